-- One row per video: its status, progress and, once READY, where to play it.
CREATE TABLE videos (
    video_id          VARCHAR(64)      PRIMARY KEY,
    status            VARCHAR(16)      NOT NULL CHECK (status IN ('RECEIVED', 'PROCESSING', 'READY', 'FAILED')),
    progress_percent  INTEGER          NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
    reason_code       VARCHAR(64),
    message           TEXT,
    source_uri        TEXT,
    manifest_uri      TEXT,
    poster_uri        TEXT,
    duration_seconds  DOUBLE PRECISION NOT NULL DEFAULT 0,
    labels            JSONB            NOT NULL DEFAULT '{}'::jsonb,
    created_at        TIMESTAMPTZ      NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ      NOT NULL DEFAULT now()
);

CREATE INDEX videos_status_updated_idx ON videos (status, updated_at);

-- The rungs of a finished ladder, replaced as a whole with each upsert that carries them.
CREATE TABLE renditions (
    video_id           VARCHAR(64) NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    name               VARCHAR(32) NOT NULL,
    width              INTEGER     NOT NULL,
    height             INTEGER     NOT NULL,
    bandwidth          BIGINT      NOT NULL,
    average_bandwidth  BIGINT      NOT NULL,
    codecs             TEXT,
    playlist_uri       TEXT,
    PRIMARY KEY (video_id, name)
);
