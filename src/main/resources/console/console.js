// The operator console. Plain DOM code, no library: a few forms and tables over the admin API.
// Safe by construction: every value that comes from the adapter (payloads, provider fields, error
// messages) reaches the page through textContent or a DOM property, never parsed as HTML.
// The API token lives in this tab's sessionStorage only: never in a URL, a cookie or local storage.
'use strict';

(() => {
    const TOKEN_KEY = 'dlr.console.token';
    const PAGE_SIZE = 50;
    const PAGES = ['login-page', 'messages-page', 'message-page', 'dead-letters-page', 'deliveries-page', 'overview-page', 'providers-page', 'api-page'];
    const REFRESH_MS = 15000;
    const $ = id => document.getElementById(id);

    /** The API answered 401: the token is gone or wrong, back to the login form. */
    class Unauthorized extends Error {
    }

    const token = () => sessionStorage.getItem(TOKEN_KEY);

    async function get(path, bearer, method) {
        const answer = await fetch(path, {
            method: method || 'GET',
            headers: {Authorization: 'Bearer ' + bearer, Accept: 'application/json'},
            cache: 'no-store',
            credentials: 'omit',
        });
        const body = await answer.json().catch(() => null);
        return {status: answer.status, body};
    }

    /** A call (GET unless told) on the admin API with the session's token; its JSON answer, or an error to show. */
    async function api(path, method) {
        const bearer = token();
        if (!bearer) {
            throw new Unauthorized();
        }
        const answer = await get(path, bearer, method);
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
        if (id !== 'overview-page') {
            stopOverview();
        }
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
        for (const name of ['messageId', 'clientRef', 'recipient', 'provider', 'status', 'final', 'overdue']) {
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
            cell(row, message.overdue ? 'yes' : 'no', 'overdue');
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
        fact(state, 'Client ref', message.clientRef);
        fact(state, 'First seen', time(message.firstSeenAt));
        fact(state, 'Updated', time(message.updatedAt));
        fact(state, 'Overdue', message.overdue ? 'yes, since ' + time(message.overdueAt) : 'no');
        const polling = message.polling || {};
        fact(state, 'Polling', [polling.state, polling.attempts ? polling.attempts + ' attempts' : '',
            polling.nextPollAt ? 'next ' + time(polling.nextPollAt) : ''].filter(Boolean).join(', '));
        renderTimeline(path, message.history || []);
        loadMessageDeliveries(path, message.history || []);
    }

    /** Each event's deliveries to the sink targets, with the event they are for. */
    async function loadMessageDeliveries(path, events) {
        const rows = $('m-delivery-rows');
        rows.replaceChildren();
        say($('m-deliveries-error'), '');
        $('m-deliveries-empty').hidden = true;
        let answer;
        try {
            answer = await api(path + '/deliveries');
        } catch (error) {
            failed(error, 'm-deliveries-error');
            return;
        }
        const byId = new Map(events.map(event => [event.id, event]));
        for (const delivery of answer.deliveries) {
            const event = byId.get(delivery.sourceId);
            const label = event ? event.status + ' (' + event.providerStatus + '), received ' + time(event.receivedAt)
                : delivery.type;
            deliveryRow(rows, delivery, label, 'm-deliveries-error');
        }
        $('m-deliveries-empty').hidden = answer.deliveries.length > 0;
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

    // ---- dead letters ---------------------------------------------------------------------------

    const deadLetters = {provider: '', offset: 0, shownProvider: ''};

    async function loadDeadLetters() {
        const query = new URLSearchParams({limit: String(PAGE_SIZE), offset: String(deadLetters.offset)});
        if (deadLetters.provider) {
            query.set('provider', deadLetters.provider);
        }
        say($('dead-letters-error'), '');
        try {
            renderDeadLetters(await api('/api/dead-letters?' + query));
        } catch (error) {
            failed(error, 'dead-letters-error');
        }
    }

    function renderDeadLetters(page) {
        const rows = $('dead-letter-rows');
        rows.replaceChildren();
        for (const deadLetter of page.deadLetters) {
            const row = rows.insertRow();
            row.className = 'dead-letter';
            row.dataset.id = String(deadLetter.id);
            cell(row, time(deadLetter.receivedAt));
            cell(row, deadLetter.id, 'mono dead-letter-id');
            cell(row, deadLetter.provider, 'provider');
            cell(row, deadLetter.source);
            cell(row, deadLetter.reason, 'reason');
            const pre = document.createElement('pre');
            pre.className = 'raw';
            pre.textContent = deadLetter.rawPayload;
            cell(row, '', 'raw').append(pre);
            const replay = cell(row, '', 'replay');
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'replay';
            button.textContent = 'Replay';
            const outcome = document.createElement('span');
            outcome.className = 'replay-result';
            button.addEventListener('click', () => replayOne(deadLetter.id, button, outcome));
            replay.append(button, outcome);
        }
        $('dead-letters-empty').hidden = page.deadLetters.length > 0;
        $('dl-newer-page').disabled = deadLetters.offset === 0;
        $('dl-older-page').disabled = page.deadLetters.length < PAGE_SIZE;
        deadLetters.shownProvider = deadLetters.provider;
        $('dl-replay-all').disabled = !deadLetters.provider;
    }

    async function replayOne(id, button, outcome) {
        button.disabled = true;
        outcome.textContent = ' replaying…';
        try {
            const answer = await api('/api/dead-letters/' + encodeURIComponent(id) + '/replay', 'POST');
            outcome.textContent = ' ' + answer.result + (answer.reason ? ': ' + answer.reason : '');
        } catch (error) {
            outcome.textContent = '';
            failed(error, 'dead-letters-error');
        } finally {
            button.disabled = false;
        }
    }

    /** Replay-all changes data: it is asked for, then confirmed in the page, and sent as a POST. */
    function askReplayAll() {
        if (!deadLetters.shownProvider) {
            return;
        }
        $('dl-confirm-text').textContent = 'Replay every dead letter of provider "' + deadLetters.shownProvider
            + '" through its current mapping? Payloads already stored are counted as duplicates and stored once.';
        $('dl-confirm').hidden = false;
        $('dl-replay-all').disabled = true;
    }

    function cancelReplayAll() {
        $('dl-confirm').hidden = true;
        $('dl-replay-all').disabled = !deadLetters.shownProvider;
    }

    const RESULTS = ['stored', 'duplicate', 'still-unmappable'];

    /** Replays a provider's dead letters, one bounded request after another until the adapter says complete. */
    async function replayAll() {
        const provider = deadLetters.shownProvider;
        $('dl-confirm').hidden = true;
        say($('dead-letters-error'), '');
        const sums = {replayed: 0};
        RESULTS.forEach(result => { sums[result] = 0; });
        const summary = () => RESULTS.map(result => result + ' ' + sums[result]).join(', ');
        let query = new URLSearchParams({provider});
        say($('dl-result'), 'Replaying the dead letters of ' + provider + '…');
        try {
            for (;;) {
                const answer = await api('/api/dead-letters/replay?' + query, 'POST');
                sums.replayed += answer.replayed;
                RESULTS.forEach(result => { sums[result] += answer[result] || 0; });
                if (answer.complete) {
                    break;
                }
                say($('dl-result'), 'Replaying the dead letters of ' + provider + ': ' + sums.replayed + ' done ('
                    + summary() + '), ' + answer.remaining + ' to go…');
                query = new URLSearchParams({provider, after: String(answer.after), through: String(answer.through)});
            }
            say($('dl-result'), 'Replayed ' + sums.replayed + ' dead letters of ' + provider + ': ' + summary() + '.');
        } catch (error) {
            say($('dl-result'), sums.replayed ? 'Stopped after ' + sums.replayed + ' (' + summary() + ').' : '');
            failed(error, 'dead-letters-error');
        } finally {
            $('dl-replay-all').disabled = !deadLetters.shownProvider;
        }
    }

    function showDeadLetters() {
        showPage('dead-letters-page');
        loadDeadLetters();
    }

    function filterDeadLetters(event) {
        event.preventDefault();
        deadLetters.provider = $('dl-provider').value.trim();
        deadLetters.offset = 0;
        cancelReplayAll();
        say($('dl-result'), '');
        loadDeadLetters();
    }

    // ---- deliveries -----------------------------------------------------------------------------

    function lastAnswer(delivery) {
        return [delivery.lastCode, delivery.lastError].filter(value => value !== null && value !== undefined && value !== '')
            .join(' ');
    }

    /**
     * A delivery as a table row: on a message's page with the event it is for (label), on the
     * Deliveries page (label null) with its id. Its Retry button makes it due at once (POST) and shows the answer.
     */
    function deliveryRow(rows, delivery, label, errorId) {
        const row = rows.insertRow();
        row.className = 'delivery';
        row.dataset.id = delivery.id;
        if (label !== null) {
            cell(row, label, 'event');
            cell(row, delivery.sink);
            cell(row, delivery.target, 'target');
        } else {
            cell(row, delivery.id, 'mono delivery-id');
            cell(row, delivery.type);
        }
        cell(row, delivery.status, 'status');
        cell(row, delivery.attempts, 'attempts');
        cell(row, lastAnswer(delivery), 'last-answer');
        cell(row, time(delivery.nextAttemptAt), 'next-attempt');
        cell(row, time(delivery.updatedAt));
        const retry = cell(row, '', 'retry');
        if (delivery.status !== 'delivered') {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'retry';
            button.textContent = 'Retry';
            const outcome = document.createElement('span');
            outcome.className = 'retry-result';
            button.addEventListener('click', () => retryOne(delivery.id, row, button, outcome, errorId));
            retry.append(button, outcome);
        }
        return row;
    }

    async function retryOne(id, row, button, outcome, errorId) {
        button.disabled = true;
        try {
            const answer = await api('/api/deliveries/' + encodeURIComponent(id) + '/retry', 'POST');
            row.querySelector('td.status').textContent = answer.status;
            row.querySelector('td.next-attempt').textContent = time(answer.nextAttemptAt);
            outcome.textContent = ' due now';
        } catch (error) {
            failed(error, errorId);
        } finally {
            button.disabled = false;
        }
    }

    const deliveriesView = {sink: null, target: null, status: null, offset: 0};

    async function loadTargets() {
        say($('deliveries-error'), '');
        let answer;
        try {
            answer = await api('/api/deliveries/targets');
        } catch (error) {
            failed(error, 'deliveries-error');
            return;
        }
        const rows = $('target-rows');
        rows.replaceChildren();
        for (const target of answer.targets) {
            const row = rows.insertRow();
            row.className = 'target';
            row.dataset.target = target.target;
            row.dataset.sink = target.sink;
            cell(row, target.sink);
            cell(row, target.target, 'target');
            cell(row, target.pending, 'pending');
            cell(row, target.failed, 'failed');
            cell(row, target.disabled ? 'yes' : 'no', 'disabled');
            const actions = cell(row, '', 'actions');
            for (const [status, text] of [['pending', 'Show pending'], ['failed', 'Show failed']]) {
                const show = document.createElement('button');
                show.type = 'button';
                show.className = 'show-' + status;
                show.textContent = text;
                show.disabled = target[status] === 0;
                show.addEventListener('click', () => {
                    Object.assign(deliveriesView, {sink: target.sink, target: target.target, status, offset: 0});
                    loadTargetDeliveries();
                });
                actions.append(show);
            }
            const all = document.createElement('button');
            all.type = 'button';
            all.className = 'retry-all';
            all.textContent = 'Retry all failed…';
            all.disabled = target.failed === 0;
            all.addEventListener('click', () => askRetryAll(target));
            actions.append(all);
        }
        $('targets-empty').hidden = answer.targets.length > 0;
    }

    async function loadTargetDeliveries() {
        const view = deliveriesView;
        if (!view.target) {
            return;
        }
        const query = new URLSearchParams({status: view.status, sink: view.sink, target: view.target,
            limit: String(PAGE_SIZE), offset: String(view.offset)});
        let answer;
        try {
            answer = await api('/api/deliveries?' + query);
        } catch (error) {
            failed(error, 'deliveries-error');
            return;
        }
        $('dv-title').textContent = (view.status === 'failed' ? 'Failed' : 'Pending') + ' deliveries to ' + view.sink
            + ' target ' + view.target;
        $('dv-title').hidden = false;
        $('deliveries-table').hidden = false;
        const rows = $('delivery-rows');
        rows.replaceChildren();
        answer.deliveries.forEach(delivery => deliveryRow(rows, delivery, null, 'deliveries-error'));
        $('dv-newer-page').disabled = view.offset === 0;
        $('dv-older-page').disabled = answer.deliveries.length < PAGE_SIZE;
    }

    let retryAllTarget = null;

    /** Retry-all changes data: it is asked for, then confirmed in the page, and sent as a POST. */
    function askRetryAll(target) {
        retryAllTarget = target.target;
        $('dv-confirm-text').textContent = 'Retry all ' + target.failed + ' failed deliveries to target "' + target.target
            + '"? Each gets one more attempt at once' + (target.disabled ? ', and the target is enabled again.' : '.');
        $('dv-confirm').hidden = false;
    }

    function cancelRetryAll() {
        retryAllTarget = null;
        $('dv-confirm').hidden = true;
    }

    /** Makes a target's failed deliveries due again, one bounded request after another until complete. */
    async function retryAll() {
        const target = retryAllTarget;
        cancelRetryAll();
        if (!target) {
            return;
        }
        say($('deliveries-error'), '');
        let retried = 0;
        let query = new URLSearchParams({target});
        try {
            for (;;) {
                const answer = await api('/api/deliveries/retry?' + query, 'POST');
                retried += answer.retried;
                if (answer.complete) {
                    break;
                }
                say($('dv-result'), 'Retrying the failed deliveries to ' + target + ': ' + retried + ' done, '
                    + answer.remaining + ' to go…');
                query = new URLSearchParams({target, before: answer.before});
            }
            say($('dv-result'), 'Made ' + retried + ' failed deliveries to ' + target + ' due again.');
        } catch (error) {
            failed(error, 'deliveries-error');
        }
        refreshDeliveries();
    }

    function refreshDeliveries() {
        loadTargets();
        loadTargetDeliveries();
    }

    function showDeliveries() {
        showPage('deliveries-page');
        refreshDeliveries();
    }

    // ---- overview -------------------------------------------------------------------------------

    const SVG = 'http://www.w3.org/2000/svg';
    const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
    let overviewTimer = null;

    function svg(name, attributes) {
        const element = document.createElementNS(SVG, name);
        for (const [key, value] of Object.entries(attributes)) {
            element.setAttribute(key, String(value));
        }
        return element;
    }

    /**
     * A line per series over the window's minutes, drawn as SVG (no library: two small charts), with
     * its legend; series names (providers, statuses) are set as text.
     */
    function chart(container, minutes, series) {
        const width = 900;
        const height = 220;
        const left = 40;
        const bottom = 24;
        const names = Object.keys(series);
        const max = Math.max(1, ...names.flatMap(name => series[name]));
        const x = i => left + (i * (width - left - 10)) / Math.max(1, minutes.length - 1);
        const y = value => 8 + (height - bottom - 8) * (1 - value / max);
        const drawing = svg('svg', {viewBox: '0 0 ' + width + ' ' + height, width, height, role: 'img', class: 'chart-svg'});
        drawing.append(svg('line', {x1: left, y1: y(0), x2: width - 10, y2: y(0), stroke: '#8a93a3'}));
        drawing.append(svg('line', {x1: left, y1: y(max), x2: left, y2: y(0), stroke: '#8a93a3'}));
        for (const [value, label] of [[0, '0'], [max, String(max)]]) {
            const text = svg('text', {x: left - 6, y: y(value) + 4, 'text-anchor': 'end', 'font-size': 11});
            text.textContent = label;
            drawing.append(text);
        }
        for (const i of [0, Math.floor(minutes.length / 2), minutes.length - 1]) {
            if (minutes[i] === undefined) {
                continue;
            }
            const text = svg('text', {x: x(i), y: height - 6, 'text-anchor': 'middle', 'font-size': 11});
            text.textContent = new Date(minutes[i]).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
            drawing.append(text);
        }
        const legend = document.createElement('ul');
        legend.className = 'legend';
        names.forEach((name, index) => {
            const colour = COLOURS[index % COLOURS.length];
            const points = series[name].map((value, i) => x(i) + ',' + y(value)).join(' ');
            const line = svg('polyline', {points, fill: 'none', stroke: colour, 'stroke-width': 2, class: 'series'});
            line.dataset.series = name;
            const title = svg('title', {});
            title.textContent = name;
            line.append(title);
            drawing.append(line);
            const item = document.createElement('li');
            const swatch = svg('svg', {width: 12, height: 12});
            swatch.append(svg('rect', {width: 12, height: 12, fill: colour}));
            const label = document.createElement('span');
            label.className = 'series-name';
            label.textContent = name + ' (' + series[name].reduce((a, b) => a + b, 0) + ')';
            item.append(swatch, label);
            legend.append(item);
        });
        container.replaceChildren(drawing, legend);
        if (names.length === 0) {
            const none = document.createElement('p');
            none.textContent = 'No receipt in the last hour.';
            container.append(none);
        }
    }

    async function loadOverview() {
        let overview;
        try {
            overview = await api('/api/overview');
        } catch (error) {
            failed(error, 'overview-error');
            return;
        }
        say($('overview-error'), '');
        $('ov-updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + '.';
        $('ov-receipts').textContent = String(overview.receipts);
        $('ov-dead-letters').textContent = String(overview.deadLetters);
        $('ov-failed').textContent = String(overview.failedDeliveries);
        chart($('ov-chart-provider'), overview.minutes, overview.receiptsByProvider);
        chart($('ov-chart-status'), overview.minutes, overview.receiptsByStatus);
        const backlog = $('ov-backlog-rows');
        backlog.replaceChildren();
        for (const target of overview.backlog) {
            const row = backlog.insertRow();
            row.className = 'target';
            cell(row, target.sink);
            cell(row, target.target, 'target');
            cell(row, target.pending, 'pending');
            cell(row, target.failed, 'failed');
            cell(row, target.disabled ? 'yes' : 'no');
        }
        $('ov-backlog-empty').hidden = overview.backlog.length > 0;
        const providers = $('ov-provider-rows');
        providers.replaceChildren();
        for (const provider of overview.providers) {
            const row = providers.insertRow();
            row.className = 'provider';
            row.dataset.provider = provider.provider;
            cell(row, provider.provider, 'provider');
            cell(row, provider.lastReceivedAt ? time(provider.lastReceivedAt) : 'none', 'last-receipt');
            cell(row, provider.polling.state, 'polling');
            cell(row, time(provider.polling.lastSuccessfulCallAt), 'last-poll');
            cell(row, Object.entries(provider.polling.errors).map(([kind, count]) => kind + ' ' + count).join(', '), 'poll-errors');
        }
    }

    function showOverview() {
        showPage('overview-page');
        stopOverview();
        loadOverview();
        overviewTimer = setInterval(() => {
            if (!$('overview-page').hidden && token()) {
                loadOverview();
            }
        }, REFRESH_MS);
    }

    function stopOverview() {
        if (overviewTimer !== null) {
            clearInterval(overviewTimer);
            overviewTimer = null;
        }
    }

    // ---- API (the OpenAPI document) --------------------------------------------------------------

    function element(name, text, className) {
        const made = document.createElement(name);
        if (text !== undefined && text !== null) {
            made.textContent = String(text);
        }
        if (className) {
            made.className = className;
        }
        return made;
    }

    async function showApi() {
        showPage('api-page');
        say($('api-error'), '');
        let document_;
        try {
            document_ = await api('/api/openapi.json');
        } catch (error) {
            failed(error, 'api-error');
            return;
        }
        const operations = [];
        for (const [path, item] of Object.entries(document_.paths || {})) {
            for (const [method, operation] of Object.entries(item)) {
                const block = element('details', null, 'operation');
                block.dataset.operation = method.toUpperCase() + ' ' + path;
                const summary = element('summary');
                summary.append(element('code', method.toUpperCase(), 'method'), ' ', element('code', path, 'path'), ' ',
                    element('span', operation.summary, 'op-summary'));
                block.append(summary, element('p', operation.description));
                if ((operation.parameters || []).length > 0) {
                    const table = element('table', null, 'parameters');
                    const head = table.createTHead().insertRow();
                    ['Parameter', 'In', 'Required', 'Description'].forEach(name => head.append(element('th', name)));
                    const body = table.createTBody();
                    for (const parameter of operation.parameters) {
                        const row = body.insertRow();
                        cell(row, parameter.name, 'mono');
                        cell(row, parameter.in);
                        cell(row, parameter.required ? 'yes' : 'no');
                        cell(row, parameter.description);
                    }
                    block.append(table);
                }
                const answers = element('ul', null, 'responses');
                for (const [code, response] of Object.entries(operation.responses || {})) {
                    const item_ = element('li');
                    item_.append(element('code', code), ' ', response.description || '');
                    answers.append(item_);
                }
                block.append(answers);
                operations.push(block);
            }
        }
        $('api-operations').replaceChildren(...operations);
    }

    // ---- providers ------------------------------------------------------------------------------

    /** The URL to give the provider: absolute (the adapter gives a path only when it could not tell its host). */
    function absolute(url) {
        return url.startsWith('/') ? location.origin + url : url;
    }

    /** The URL with its token (the last path segment) shown as dots. */
    function maskedUrl(webhook) {
        const url = absolute(webhook.url);
        return webhook.auth === 'token' ? url.slice(0, url.lastIndexOf('/') + 1) + '\u2022'.repeat(8) : url;
    }

    /**
     * Copies the whole URL: the Clipboard API where the page is a secure context (https, localhost),
     * else a selected text field and the copy command; if both fail, the URL is shown to copy by hand.
     */
    async function copyUrl(url, status, shown) {
        try {
            if (navigator.clipboard && window.isSecureContext) {
                await navigator.clipboard.writeText(url);
            } else {
                const field = element('textarea');
                field.value = url;
                field.setAttribute('readonly', '');
                field.className = 'offscreen';
                document.body.append(field);
                field.select();
                const copied = document.execCommand('copy');
                field.remove();
                if (!copied) {
                    throw new Error('the browser refused to copy');
                }
            }
            say(status, 'Copied.');
        } catch (error) {
            shown.textContent = url;
            say(status, 'Could not copy (' + error.message + '): select the URL and copy it.');
        }
    }

    function table(headers, rows, className) {
        const made = element('table', null, className);
        const head = made.createTHead().insertRow();
        headers.forEach(name => head.append(element('th', name)));
        const body = made.createTBody();
        for (const values of rows) {
            const row = body.insertRow();
            values.forEach(([text, cellClass]) => cell(row, text, cellClass));
        }
        return made;
    }

    function providerSection(provider) {
        const section = element('section', null, 'provider');
        section.dataset.provider = provider.provider;
        section.append(element('h3', provider.name ? provider.name + ' (' + provider.provider + ')' : provider.provider));

        const facts = element('dl', null, 'state');
        const url = element('dd');
        const shown = element('code', maskedUrl(provider.webhook), 'webhook-url');
        const copy = element('button', 'Copy', 'copy-url');
        copy.type = 'button';
        const status = element('span', null, 'copy-status');
        status.hidden = true;
        copy.addEventListener('click', () => copyUrl(absolute(provider.webhook.url), status, shown));
        url.append(shown, ' ', copy, ' ', status);
        facts.append(element('dt', 'Webhook URL'), url);
        fact(facts, 'Authentication', provider.webhook.auth === 'token' ? 'token (in the URL)' : 'none');
        const signature = provider.webhook.signature;
        if (signature) {
            // the scheme and where it travels (a header, or a parameter as Vonage's); the secret is never sent
            fact(facts, 'Signature', signature.scheme + ' (' + signature.carrier + '), '
                + (signature.secretConfigured ? 'secret configured'
                    : 'NO SECRET: every call is refused (401) until dlr.providers.' + provider.provider + '.signature.secret is set'));
        }
        if ((provider.webhook.allowFrom || []).length > 0) {
            fact(facts, 'Allowed from', provider.webhook.allowFrom.join(', '));
        }
        const polling = provider.polling || {};
        fact(facts, 'Polling', polling.state);
        fact(facts, 'Last successful status call', time(polling.lastSuccessfulCallAt) || 'none since the start');
        const errors = Object.entries(polling.errors || {}).map(([kind, count]) => kind + ': ' + count).join(', ');
        fact(facts, 'Polling errors', errors || 'none');
        section.append(facts);

        section.append(element('h4', 'Statuses'));
        section.append(table(['Provider status', 'Canonical status', 'Reason'],
            provider.statuses.map(rule => [[rule.providerStatus, 'mono'], [rule.status, 'status'], [rule.reason]]), 'statuses'));
        const reasons = Object.entries(provider.reasonStatuses || {});
        if (reasons.length > 0) {
            section.append(element('h4', 'Reasons that settle a status'));
            section.append(table(['Reason', 'Canonical status'], reasons.map(([code, status_]) => [[code, 'mono'], [status_, 'status']]),
                'reason-statuses'));
        }

        const passed = provider.samples.filter(sample => sample.passed).length;
        section.append(element('h4', 'Samples: ' + passed + ' of ' + provider.samples.length + ' pass'));
        section.append(table(['Sample', 'Result', 'Detail'], provider.samples.map(sample =>
            [[sample.name], [sample.passed ? 'passed' : 'FAILED', sample.passed ? 'passed' : 'failed'], [sample.detail]]), 'samples'));

        const file = element('details', null, 'mapping-file');
        file.append(element('summary', 'Mapping file mappings/' + provider.mappingFile), element('pre', provider.mapping === null ? '(the file cannot be read now; the mapping loaded before still serves)' : provider.mapping, 'raw'));
        section.append(file);
        return section;
    }

    async function showProviders() {
        showPage('providers-page');
        say($('providers-error'), '');
        try {
            const answer = await api('/api/providers');
            $('providers-list').replaceChildren(...answer.providers.map(providerSection));
        } catch (error) {
            failed(error, 'providers-error');
        }
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
        } else if (location.hash === '#/dead-letters') {
            showDeadLetters();
        } else if (location.hash === '#/deliveries') {
            showDeliveries();
        } else if (location.hash === '#/overview') {
            showOverview();
        } else if (location.hash === '#/providers') {
            showProviders();
        } else if (location.hash === '#/api') {
            showApi();
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
        $('dl-form').addEventListener('submit', filterDeadLetters);
        $('dv-refresh').addEventListener('click', refreshDeliveries);
        $('dv-confirm-yes').addEventListener('click', retryAll);
        $('dv-confirm-no').addEventListener('click', cancelRetryAll);
        $('dv-older-page').addEventListener('click', () => { deliveriesView.offset += PAGE_SIZE; loadTargetDeliveries(); });
        $('dv-newer-page').addEventListener('click', () => {
            deliveriesView.offset = Math.max(0, deliveriesView.offset - PAGE_SIZE);
            loadTargetDeliveries();
        });
        $('dl-replay-all').addEventListener('click', askReplayAll);
        $('dl-confirm-yes').addEventListener('click', replayAll);
        $('dl-confirm-no').addEventListener('click', cancelReplayAll);
        $('dl-older-page').addEventListener('click', () => { deadLetters.offset += PAGE_SIZE; loadDeadLetters(); });
        $('dl-newer-page').addEventListener('click', () => {
            deadLetters.offset = Math.max(0, deadLetters.offset - PAGE_SIZE);
            loadDeadLetters();
        });
        window.addEventListener('hashchange', route);
        route();
    });
})();
