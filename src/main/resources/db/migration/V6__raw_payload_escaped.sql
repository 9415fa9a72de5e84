-- PostgreSQL text cannot hold U+0000 (NUL); H2 can. A raw payload that contains a NUL (a form or
-- GET callback's decoded text, a status API's answer) is stored escaped so that both databases
-- keep it: each backslash doubled, each U+0000 written as the two characters \0 (see
-- com.dlradapter.store.NulText). raw_payload_escaped says which rows are escaped; every other raw
-- payload, and every row written before this migration, is stored exactly as received.
ALTER TABLE receipt_event ADD COLUMN raw_payload_escaped BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE dead_letter ADD COLUMN raw_payload_escaped BOOLEAN DEFAULT FALSE NOT NULL;
