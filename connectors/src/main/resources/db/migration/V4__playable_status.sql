-- PLAYABLE: still processing, but the master playlist is published and every rung's EVENT
-- playlist grows until READY (issue "Watch before the ladder is done").
ALTER TABLE videos DROP CONSTRAINT videos_status_check;
ALTER TABLE videos ADD CONSTRAINT videos_status_check
    CHECK (status IN ('RECEIVED', 'PROCESSING', 'PLAYABLE', 'READY', 'FAILED'));
