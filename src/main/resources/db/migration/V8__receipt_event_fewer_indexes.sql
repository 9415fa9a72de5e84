-- Every stored receipt updates each index of receipt_event. Its id is a name-based UUID of its
-- idempotency key, which is unique already (receipt_event_key_uk), and nothing looks an event up
-- by id alone (the query API reads a message's events by provider and message id): the id's own
-- unique index was a fourth index write per receipt for nothing.
ALTER TABLE receipt_event DROP CONSTRAINT receipt_event_id_uk;
