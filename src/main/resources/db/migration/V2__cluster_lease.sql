-- Leases that make work run on exactly one node of a cluster (polling, outbound workers). The
-- holder renews its lease well before it expires; when a node dies, its lease runs out and
-- another node takes it. Times are the database's own clock, so nodes' clocks need not agree.
CREATE TABLE cluster_lease (
    name        VARCHAR(64)  NOT NULL,
    holder      VARCHAR(255) NOT NULL,
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT cluster_lease_pk PRIMARY KEY (name)
);
