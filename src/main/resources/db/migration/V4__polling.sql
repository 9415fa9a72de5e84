-- Polling state of every tracked message, in the database (not in memory) so that any node can
-- carry on where another stopped. state: active (polled when due), done (final status reached),
-- overdue (gave up after the maximum age).
CREATE TABLE poll_schedule (
    provider        VARCHAR(64)  NOT NULL,
    message_id      VARCHAR(255) NOT NULL,
    batch_id        VARCHAR(255),
    state           VARCHAR(16)  NOT NULL,
    tracked_since   TIMESTAMP WITH TIME ZONE NOT NULL,
    next_poll_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts        INTEGER      NOT NULL,
    last_polled_at  TIMESTAMP WITH TIME ZONE,
    last_outcome    VARCHAR(64),
    CONSTRAINT poll_schedule_pk PRIMARY KEY (provider, message_id)
);
CREATE INDEX poll_schedule_due_ix ON poll_schedule (provider, state, next_poll_at);

-- When a message was given up on (no final status within the polling maximum age).
ALTER TABLE message_status ADD COLUMN overdue_at TIMESTAMP WITH TIME ZONE;
