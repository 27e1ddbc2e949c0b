-- Progress in chunks, not only in percent: how many of the video's chunks are encoded, of how many.
-- 0/0 until the plan is known (RECEIVED) and for rows written before this migration.
ALTER TABLE videos
    ADD COLUMN chunks_done integer NOT NULL DEFAULT 0,
    ADD COLUMN chunks_total integer NOT NULL DEFAULT 0;
