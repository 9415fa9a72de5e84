// The operator console. Plain DOM code, no library: a few forms and tables over the admin API.
// Safe by construction: every value that comes from the adapter (payloads, provider fields, error
// messages) reaches the page through textContent or a DOM property, never parsed as HTML.
// The API token lives in this tab's sessionStorage only: never in a URL, a cookie or local storage.
'use strict';

(() => {
    const TOKEN_KEY = 'dlr.console.token';
    const PAGE_SIZE = 50;
    const PAGES = ['login-page', 'messages-page', 'message-page'];
    const $ = id => document.getElementById(id);

    /** The API answered 401: the token is gone or wrong, back to the login form. */
    class Unauthorized extends Error {
    }

    const token = () => sessionStorage.getItem(TOKEN_KEY);

    async function get(path, bearer) {
        const answer = await fetch(path, {
            headers: {Authorization: 'Bearer ' + bearer, Accept: 'application/json'},
            cache: 'no-store',
            credentials: 'omit',
        });
        const body = await answer.json().catch(() => null);
        return {status: answer.status, body};
    }

    /** A GET on the admin API with the session's token; its JSON answer, or an error to show. */
    async function api(path) {
        const bearer = token();
        if (!bearer) {
            throw new Unauthorized();
        }
        const answer = await get(path, bearer);
        if (answer.status === 401) {
            throw new Unauthorized();
        }
        if (answer.status < 200 || answer.status > 299) {
            throw new Error(answer.body && answer.body.message ? answer.body.message : 'the adapter answered ' + answer.status);
        }
        return answer.body;
    }

    function say(element, text) {
        element.textContent = text || '';
        element.hidden = !text;
    }

    function showPage(id) {
        PAGES.forEach(page => { $(page).hidden = page !== id; });
        $('nav').hidden = id === 'login-page';
    }

    function showLogin(message) {
        sessionStorage.removeItem(TOKEN_KEY);
        showPage('login-page');
        say($('login-error'), message);
        $('token').value = '';
        $('token').focus();
    }

    /** An error of a page: a refused token goes back to the login form, anything else is shown. */
    function failed(error, where) {
        if (error instanceof Unauthorized) {
            showLogin('The adapter refused the token (401): log in again.');
        } else {
            say($(where), error.message);
        }
    }

    async function logIn(event) {
        event.preventDefault();
        const candidate = $('token').value.trim();
        if (!candidate) {
            say($('login-error'), 'Enter the API token.');
            return;
        }
        $('login-submit').disabled = true;
        try {
            const answer = await get('/api/messages?limit=1', candidate);
            if (answer.status === 401) {
                say($('login-error'), 'The adapter refused this token.');
            } else if (answer.status === 429) {
                say($('login-error'), 'Too many failed logins from this address: wait a minute and try again.');
            } else if (answer.status !== 200) {
                say($('login-error'), 'The adapter answered ' + answer.status + '.');
            } else {
                sessionStorage.setItem(TOKEN_KEY, candidate);
                $('token').value = '';
                say($('login-error'), '');
                route();
            }
        } catch (error) {
            say($('login-error'), 'The adapter could not be reached: ' + error.message);
        } finally {
            $('login-submit').disabled = false;
        }
    }

    function logOut() {
        showLogin('');
        history.replaceState(null, '', '#/messages');
    }

    // ---- formatting -----------------------------------------------------------------------------

    function time(iso) {
        return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '';
    }

    /** +2348181234567 shows as *********4567, as in the adapter's logs: enough to recognise, not to dial. */
    function masked(number) {
        if (!number || number.length <= 4) {
            return number || '';
        }
        return '*'.repeat(number.length - 4) + number.slice(-4);
    }

    function cell(row, text, className) {
        const td = row.insertCell();
        td.textContent = text === null || text === undefined ? '' : String(text);
        if (className) {
            td.className = className;
        }
        return td;
    }

    function messageLink(provider, messageId) {
        const link = document.createElement('a');
        link.href = '#/message/' + encodeURIComponent(provider) + '/' + encodeURIComponent(messageId);
        link.textContent = messageId;
        return link;
    }

    // ---- messages -------------------------------------------------------------------------------

    const search = {query: new URLSearchParams(), cursor: null, older: null, newer: []};

    function readFilters() {
        const query = new URLSearchParams();
        for (const name of ['messageId', 'recipient', 'provider', 'status', 'final']) {
            const value = $('f-' + name).value.trim();
            if (value) {
                query.set(name, value);
            }
        }
        for (const name of ['since', 'until']) {
            const value = $('f-' + name).value;
            if (value) {
                // the browser's local time, sent as an instant
                query.set(name, new Date(value).toISOString());
            }
        }
        return query;
    }

    async function loadMessages() {
        const query = new URLSearchParams(search.query);
        query.set('limit', String(PAGE_SIZE));
        if (search.cursor) {
            query.set('cursor', search.cursor);
        }
        say($('messages-error'), '');
        try {
            renderMessages(await api('/api/messages?' + query));
        } catch (error) {
            failed(error, 'messages-error');
        }
    }

    function renderMessages(page) {
        const rows = $('messages-rows');
        rows.replaceChildren();
        for (const message of page.messages) {
            const row = rows.insertRow();
            row.className = 'message';
            cell(row, time(message.firstSeenAt));
            cell(row, message.provider);
            cell(row, '', 'mono message-id').append(messageLink(message.provider, message.messageId));
            cell(row, masked(message.recipient), 'mono recipient');
            cell(row, message.status, 'status');
            cell(row, message.final ? 'yes' : 'no');
            cell(row, time(message.updatedAt));
        }
        $('messages-empty').hidden = page.messages.length > 0;
        search.older = page.nextCursor;
        $('older-page').disabled = !page.nextCursor;
        $('newer-page').disabled = search.newer.length === 0;
    }

    function showMessages() {
        showPage('messages-page');
        loadMessages();
    }

    function searchMessages(event) {
        event.preventDefault();
        search.query = readFilters();
        search.cursor = null;
        search.newer = [];
        loadMessages();
    }

    function olderPage() {
        search.newer.push(search.cursor);
        search.cursor = search.older;
        loadMessages();
    }

    function newerPage() {
        search.cursor = search.newer.pop() || null;
        loadMessages();
    }

    // ---- one message ----------------------------------------------------------------------------

    function fact(list, term, value) {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value === null || value === undefined ? '' : String(value);
        list.append(dt, dd);
    }

    function reason(value) {
        return value ? [value.code, value.description].filter(Boolean).join(': ') : '';
    }

    async function showMessage(provider, messageId) {
        showPage('message-page');
        $('m-title').textContent = provider + ' / ' + messageId;
        $('m-state').replaceChildren();
        $('timeline-rows').replaceChildren();
        say($('message-error'), '');
        const path = '/api/messages/' + encodeURIComponent(provider) + '/' + encodeURIComponent(messageId);
        let message;
        try {
            message = await api(path);
        } catch (error) {
            failed(error, 'message-error');
            return;
        }
        const state = $('m-state');
        fact(state, 'Status', message.status);
        fact(state, 'Final', message.final ? 'yes' : 'no');
        fact(state, 'Provider status', message.providerStatus);
        fact(state, 'Reason', reason(message.reason));
        fact(state, 'Recipient', message.recipient);
        fact(state, 'Sender', message.sender);
        fact(state, 'Batch id', message.batchId);
        fact(state, 'First seen', time(message.firstSeenAt));
        fact(state, 'Updated', time(message.updatedAt));
        fact(state, 'Overdue', message.overdue ? 'yes, since ' + time(message.overdueAt) : 'no');
        const polling = message.polling || {};
        fact(state, 'Polling', [polling.state, polling.attempts ? polling.attempts + ' attempts' : '',
            polling.nextPollAt ? 'next ' + time(polling.nextPollAt) : ''].filter(Boolean).join(', '));
        renderTimeline(path, message.history || []);
    }

    function renderTimeline(path, events) {
        const rows = $('timeline-rows');
        for (const event of events) {
            const row = rows.insertRow();
            row.className = 'event';
            cell(row, time(event.receivedAt));
            cell(row, time(event.occurredAt));
            cell(row, event.source);
            cell(row, event.status, 'status');
            cell(row, event.providerStatus, 'provider-status');
            cell(row, reason(event.reason), 'reason');
            const raw = cell(row, '', 'raw');
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'show-raw';
            button.textContent = 'Show';
            const pre = document.createElement('pre');
            pre.className = 'raw';
            pre.hidden = true;
            button.addEventListener('click', () => toggleRaw(path + '/events/' + encodeURIComponent(event.id), button, pre));
            raw.append(button, pre);
        }
    }

    /** Fetches an event's raw payload when first asked for, and shows it as text. */
    async function toggleRaw(path, button, pre) {
        if (!pre.hidden) {
            pre.hidden = true;
            button.textContent = 'Show';
            return;
        }
        if (!pre.dataset.loaded) {
            try {
                const event = await api(path);
                pre.textContent = event.rawPayload;
                pre.dataset.loaded = 'true';
            } catch (error) {
                failed(error, 'message-error');
                return;
            }
        }
        pre.hidden = false;
        button.textContent = 'Hide';
    }

    // ---- navigation -----------------------------------------------------------------------------

    function route() {
        if (!token()) {
            showLogin('');
            return;
        }
        const detail = /^#\/message\/([^/]+)\/(.+)$/.exec(location.hash);
        if (detail) {
            showMessage(decodeURIComponent(detail[1]), decodeURIComponent(detail[2]));
        } else {
            showMessages();
        }
    }

    document.addEventListener('DOMContentLoaded', () => {
        $('login-form').addEventListener('submit', logIn);
        $('logout').addEventListener('click', logOut);
        $('search-form').addEventListener('submit', searchMessages);
        $('older-page').addEventListener('click', olderPage);
        $('newer-page').addEventListener('click', newerPage);
        window.addEventListener('hashchange', route);
        route();
    });
})();
