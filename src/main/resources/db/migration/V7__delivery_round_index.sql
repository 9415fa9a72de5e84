-- Deliveries are claimed a round per sink target (routes/deliveries.yaml): the due pending rows of
-- one target, oldest due first. This index serves that claim as one ordered range, so a target's
-- claim never reads past another target's backlog, and the pending counts per target (the backlog
-- gauge) stay within the pending rows. It replaces delivery_due_ix (status, next_attempt_at), whose
-- queries it serves as well.
CREATE INDEX delivery_round_ix ON delivery (status, sink, target, next_attempt_at);
DROP INDEX delivery_due_ix;
