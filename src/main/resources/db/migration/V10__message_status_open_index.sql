-- The overdue sweep finds the messages still not final past dlr.polling.max-age in message_status
-- itself, for every provider, so a provider that is not polled needs no poll_schedule row per
-- message (two index writes and a heap row when it starts, another when it ends). This index keeps
-- the sweep a range read however many messages are stored.
CREATE INDEX message_status_open_ix ON message_status (is_final, overdue_at, first_seen_at);
