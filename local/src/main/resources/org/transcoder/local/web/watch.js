// The watch page's player: hls.js (or dash.js) on the video element, custom controls with a seek bar that
// previews the storyboard tile under the pointer, and a quality menu of every rung plus Auto.
// Every text it shows is set with textContent; URLs come from the page's data attributes.
(function () {
  'use strict';
  const player = document.getElementById('player');
  const video = document.getElementById('video');
  const play = document.getElementById('play');
  const seek = document.getElementById('seek');
  const time = document.getElementById('time');
  const quality = document.getElementById('quality');
  const mute = document.getElementById('mute');
  const fullscreen = document.getElementById('fullscreen');
  const preview = document.getElementById('preview');
  const tile = document.getElementById('preview-tile');
  const previewTime = document.getElementById('preview-time');
  const src = player.dataset.src;
  let hls = null;
  let seeking = false;
  let mediaRecoveries = 0;

  function clock(t) {
    if (!isFinite(t)) { return '0:00'; }
    const s = Math.floor(t % 60);
    const m = Math.floor(t / 60) % 60;
    const h = Math.floor(t / 3600);
    const ss = String(s).padStart(2, '0');
    return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + ss : m + ':' + ss;
  }

  function showError(text) {
    let box = document.getElementById('error');
    if (!box) {
      box = document.createElement('p');
      box.id = 'error';
      box.className = 'error';
      player.appendChild(box);
    }
    box.textContent = text;
  }

  // --- playback ---------------------------------------------------------------------------
  // Two engines behind one small interface (levels to list, choose one or Auto, report a
  // switch): hls.js on master.m3u8, or dash.js on manifest.mpd (?format=dash), both over the same
  // CMAF segments. Chromium plays HLS natively too, without a quality menu: hls.js first.
  let engine = null;
  if (player.dataset.format === 'dash') {
    engine = dashEngine();
  } else if (window.Hls && Hls.isSupported()) {
    engine = hlsEngine();
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src; // Safari: the browser picks the rung
    quality.disabled = true;
    quality.title = 'Chosen by the browser';
  } else {
    showError('This browser cannot play HLS (no Media Source Extensions).');
  }

  function hlsEngine() {
    // A video still encoded has EVENT playlists, which hls.js plays as live: Infinity as the
    // media duration while they grow keeps the element from reaching an "end" at the last
    // segment listed so far (the seek bar then goes by what is seekable); ENDLIST gives the real
    // duration.
    hls = new Hls({ enableWorker: true, liveDurationInfinity: true });
    const e = {
      levels: function () {
        return hls.levels.map(function (l, i) {
          return { index: i, width: l.width, height: l.height, bitrate: l.bitrate };
        });
      },
      // -1 is Auto. A whole video switches at once (the buffer ahead is refetched). One still
      // encoded (EVENT playlists, live to hls.js) switches from the next segment on, the buffer
      // kept: after an immediate switch hls.js took the next stall at the edge of what is
      // encoded for a stalled start, and sought back to the video's start.
      choose: function (index) {
        const level = hls.levels[hls.currentLevel];
        if (level && level.details && level.details.live) {
          hls.nextLevel = index;
        } else {
          hls.currentLevel = index;
        }
      },
      auto: function () { return hls.autoLevelEnabled; }
    };
    hls.on(Hls.Events.MANIFEST_PARSED, function () { buildQualityMenu(); });
    hls.on(Hls.Events.LEVEL_SWITCHED, function (event, data) {
      levelSwitched(hls.levels[data.level].height);
    });
    hls.on(Hls.Events.ERROR, function (event, data) {
      // In the console, for whoever looks into a stall (the browser test prints it).
      console.warn('hls.js ' + (data.fatal ? 'fatal ' : '') + data.type + ': ' + data.details);
      if (!data.fatal) { return; }
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        hls.startLoad();
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 3) {
        // hls.js reattaches the element and plays on from where it was; an error that comes back
        // after three recoveries is shown instead of reloading forever.
        mediaRecoveries++;
        hls.recoverMediaError();
      } else {
        showError('Cannot play this video: ' + data.details);
        hls.destroy();
      }
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    window.hlsPlayer = hls; // for the browser test
    return e;
  }

  function dashEngine() {
    if (!window.dashjs) {
      showError('dash.js did not load.');
      return null;
    }
    const dash = dashjs.MediaPlayer().create();
    const events = dashjs.MediaPlayer.events;
    let autoOn = true;
    const e = {
      levels: function () {
        return dash.getRepresentationsByType('video').map(function (r, i) {
          return { index: i, width: r.width, height: r.height, bitrate: r.bandwidth };
        });
      },
      choose: function (index) {
        autoOn = index < 0;
        dash.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: autoOn } } } });
        if (!autoOn) { dash.setRepresentationForTypeByIndex('video', index, true); }
      },
      auto: function () { return autoOn; }
    };
    dash.on(events.STREAM_INITIALIZED, function () { buildQualityMenu(); });
    dash.on(events.QUALITY_CHANGE_RENDERED, function (ev) {
      if (ev.mediaType === 'video' && ev.newRepresentation) {
        levelSwitched(ev.newRepresentation.height);
      }
    });
    dash.on(events.ERROR, function (ev) {
      showError('Cannot play this video: ' + (ev.error && ev.error.message ? ev.error.message : 'error'));
    });
    dash.initialize(video, src, false);
    window.dashPlayer = dash; // for the browser test
    return e;
  }

  function toggle() {
    if (video.paused || video.ended) {
      start();
    } else {
      video.pause();
    }
  }
  function start() {
    video.play().catch(function (e) {
      // An AbortError is a play() superseded by a pause or a reload (a media error recovered),
      // not a failure.
      if (e.name === 'AbortError') {
        console.warn('play() superseded: ' + e.message);
      } else {
        showError('Playback did not start: ' + e.message);
      }
    });
  }
  play.addEventListener('click', toggle);
  video.addEventListener('click', toggle);
  video.addEventListener('play', function () {
    play.textContent = '\u23F8';
    play.setAttribute('aria-label', 'Pause');
  });
  video.addEventListener('pause', function () {
    play.textContent = '\u25B6';
    play.setAttribute('aria-label', 'Play');
  });
  // The length so far: the duration, or while the video is still encoded what is seekable.
  function length() {
    if (isFinite(video.duration)) { return video.duration; }
    const s = video.seekable;
    return s.length > 0 ? s.end(s.length - 1) : 0;
  }
  video.addEventListener('durationchange', function () {
    seek.max = length();
    updateTime();
  });
  video.addEventListener('timeupdate', function () {
    if (!isFinite(video.duration)) { seek.max = length(); }
    if (!seeking) { seek.value = video.currentTime; }
    updateTime();
  });
  function updateTime() {
    time.textContent = clock(video.currentTime) + ' / ' + clock(length());
  }
  mute.addEventListener('click', function () {
    video.muted = !video.muted;
    mute.textContent = video.muted ? 'Unmute' : 'Mute';
  });
  fullscreen.addEventListener('click', function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (player.requestFullscreen) {
      player.requestFullscreen();
    }
  });
  document.addEventListener('keydown', function (e) {
    const tag = document.activeElement ? document.activeElement.tagName : '';
    if ((e.key === ' ' || e.key === 'k') && tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'BUTTON') {
      e.preventDefault();
      toggle();
    }
  });

  // --- quality menu -----------------------------------------------------------------------
  // Engines order levels by bit rate, not as the manifests list them: the menu goes by height.
  function buildQualityMenu() {
    const levels = engine.levels();
    levels.sort(function (a, b) {
      return (b.height - a.height) || (b.bitrate - a.bitrate);
    });
    levels.forEach(function (l) {
      const option = document.createElement('option');
      option.value = String(l.index);
      option.dataset.height = String(l.height);
      option.textContent = l.height + 'p (' + l.width + '\u00D7' + l.height + ', ' +
          Math.round(l.bitrate / 1000) + ' kb/s)';
      quality.appendChild(option);
    });
    player.dataset.levels = String(levels.length);
  }

  quality.addEventListener('change', function () {
    // The chosen rung plays from now on (the buffer ahead is refetched); -1 is Auto.
    engine.choose(Number(quality.value));
  });

  function levelSwitched(height) {
    player.dataset.level = String(height);
    const auto = quality.options[0];
    auto.textContent = engine.auto() ? 'Auto (' + height + 'p)' : 'Auto';
  }

  // --- storyboard preview -----------------------------------------------------------------
  // The VTT maps time ranges to tiles of the sprite: "storyboard.jpg#xywh=x,y,w,h".
  let cues = [];
  function seconds(stamp) {
    return stamp.split(':').reduce(function (acc, part) { return acc * 60 + parseFloat(part); }, 0);
  }
  function parseStoryboard(text, base) {
    const out = [];
    text.replace(/\r/g, '').split(/\n\n+/).forEach(function (block) {
      const lines = block.split('\n');
      const at = lines.findIndex(function (l) { return l.indexOf('-->') >= 0; });
      if (at < 0 || !lines[at + 1]) { return; }
      const range = lines[at].split('-->');
      const ref = new URL(lines[at + 1].trim(), base);
      const xywh = /^#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(ref.hash);
      if (!xywh) { return; }
      out.push({
        start: seconds(range[0].trim()),
        end: seconds(range[1].trim().split(/\s+/)[0]),
        sprite: ref.href.slice(0, ref.href.length - ref.hash.length),
        x: Number(xywh[1]), y: Number(xywh[2]), w: Number(xywh[3]), h: Number(xywh[4])
      });
    });
    return out;
  }
  const storyboardUrl = new URL(player.dataset.storyboard, document.baseURI);
  fetch(storyboardUrl)
    .then(function (r) { return r.ok ? r.text() : ''; })
    .then(function (text) {
      cues = parseStoryboard(text, storyboardUrl);
      player.dataset.storyboardTiles = String(cues.length);
    })
    .catch(function () { cues = []; });

  function cueAt(t) {
    for (let i = 0; i < cues.length; i++) {
      if (t >= cues[i].start && t < cues[i].end) { return cues[i]; }
    }
    return cues.length > 0 && t >= cues[cues.length - 1].end ? cues[cues.length - 1] : null;
  }

  function showPreview(fraction) {
    const duration = video.duration;
    if (!isFinite(duration) || duration <= 0) { return; }
    fraction = Math.min(1, Math.max(0, fraction));
    const t = fraction * duration;
    const cue = cueAt(t);
    previewTime.textContent = clock(t);
    if (cue) {
      tile.style.width = cue.w + 'px';
      tile.style.height = cue.h + 'px';
      tile.style.backgroundImage = 'url("' + cue.sprite + '")';
      tile.style.backgroundPosition = (-cue.x) + 'px ' + (-cue.y) + 'px';
      tile.hidden = false;
    } else {
      tile.hidden = true;
    }
    preview.hidden = false;
    const bar = seek.getBoundingClientRect();
    const box = player.getBoundingClientRect();
    const width = preview.offsetWidth;
    const center = bar.left - box.left + fraction * bar.width;
    preview.style.left = Math.min(box.width - width, Math.max(0, center - width / 2)) + 'px';
  }
  function hidePreview() {
    if (!seeking) { preview.hidden = true; }
  }

  seek.addEventListener('pointermove', function (e) {
    const bar = seek.getBoundingClientRect();
    showPreview((e.clientX - bar.left) / bar.width);
  });
  seek.addEventListener('pointerleave', hidePreview);
  seek.addEventListener('pointerdown', function () { seeking = true; });
  seek.addEventListener('input', function () {
    // dragging or the arrow keys: the preview follows the knob, the video seeks with it
    showPreview(Number(seek.value) / Number(seek.max || 1));
    video.currentTime = Number(seek.value);
  });
  seek.addEventListener('change', function () {
    seeking = false;
    hidePreview();
  });
  seek.addEventListener('blur', function () { seeking = false; hidePreview(); });
})();
