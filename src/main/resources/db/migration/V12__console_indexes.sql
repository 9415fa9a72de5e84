-- A provider's dead letters in id order, one index range: the console's list filtered by provider
-- and POST /api/dead-letters/replay?provider= (a keyset page at a time, never a scan of every
-- provider's dead letters).
CREATE INDEX dead_letter_provider_ix ON dead_letter (provider, id);

-- The deliveries of one event (a message's page in the console: GET /api/messages/{p}/{id}/deliveries).
CREATE INDEX delivery_source_ix ON delivery (source_id);
