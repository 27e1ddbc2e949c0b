-- The DASH manifest (manifest.mpd beside master.m3u8, over the same CMAF segments) of a READY
-- video; NULL before READY and for videos published before DASH.
ALTER TABLE videos ADD COLUMN dash_manifest_uri TEXT;
