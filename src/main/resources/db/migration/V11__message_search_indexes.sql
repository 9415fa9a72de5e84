-- The message search (GET /api/messages, com.dlradapter.store.MessageSearch): newest first by
-- first_seen_at, one keyset page at a time. Each filter gets an index that starts with its column
-- and then keeps the search's order, so a page is a short range read however many messages are
-- stored, and the next page starts where the last one ended. first_seen_at, provider and
-- message_id never change once a row is written, and recipient is filled in at most once, so their
-- indexes leave PostgreSQL's HOT updates of a status change alone; status does change, but a
-- message's usual last change (to a final status) writes message_status_open_ix (is_final) anyway.
-- The final filter has no index of its own: final messages are most of the table (the time index
-- finds them in order), open ones are few (message_status_open_ix).
CREATE INDEX message_status_seen_ix ON message_status (first_seen_at, provider, message_id);
CREATE INDEX message_status_provider_seen_ix ON message_status (provider, first_seen_at, message_id);
CREATE INDEX message_status_recipient_ix ON message_status (recipient, first_seen_at, provider, message_id);
CREATE INDEX message_status_status_ix ON message_status (status, first_seen_at, provider, message_id);
CREATE INDEX message_status_message_ix ON message_status (message_id);
