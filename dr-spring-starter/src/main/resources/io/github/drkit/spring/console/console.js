/*
 * drkit DR console. Reads GET <actuator>/dr and GET <actuator>/killswitches, changes switches with
 * POST/DELETE <actuator>/killswitches/{name}. Every value from the server is put into the page as
 * text (createTextNode / textContent), never as markup: reasons come from operators and sources.
 */
(function () {
  'use strict';

  var actuator = new URL('.', window.location.href);
  var refreshMillis = Math.max(1000, Number(document.body.dataset.refreshMillis) || 5000);
  var csrfHeader = meta('drkit-csrf-header');
  var csrfToken = meta('drkit-csrf-token');
  var state = { dr: null, ks: null, drain: null, timer: null, loads: 0 };

  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute('content') : null;
  }

  function $(id) { return document.getElementById(id); }

  /* Builds an element; strings among the children become text nodes. */
  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === null || v === undefined) { return; }
        if (k === 'class') { e.className = v; }
        else if (k === 'data') { Object.keys(v).forEach(function (d) { e.dataset[d] = String(v[d]); }); }
        else if (k === 'onclick') { e.addEventListener('click', v); }
        else { e.setAttribute(k, String(v)); }
      });
    }
    for (var i = 2; i < arguments.length; i++) { append(e, arguments[i]); }
    return e;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }

  function replace(id) {
    var target = $(id);
    while (target.firstChild) { target.removeChild(target.firstChild); }
    for (var i = 1; i < arguments.length; i++) { append(target, arguments[i]); }
  }

  function badge(text, kind) { return el('span', { 'class': 'badge ' + kind }, text); }

  function facts(pairs) {
    var dl = el('dl', { 'class': 'facts' });
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') { return; }
      dl.appendChild(el('dt', null, p[0]));
      dl.appendChild(el('dd', p[2] ? { 'class': p[2] } : null, p[1]));
    });
    return dl;
  }

  /* ISO-8601 duration (as java.time.Duration prints it) to milliseconds, or null. */
  function durationMillis(iso) {
    if (typeof iso !== 'string') { return null; }
    var m = /^(-)?PT(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?$/.exec(iso);
    if (!m) { return null; }
    var ms = (Number(m[2] || 0) * 3600 + Number(m[3] || 0) * 60 + Number(m[4] || 0)) * 1000;
    return m[1] ? -ms : ms;
  }

  function human(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) { return null; }
    var a = Math.abs(ms);
    if (a < 1000) { return Math.round(ms) + ' ms'; }
    if (a < 60000) { return (ms / 1000).toFixed(a < 10000 ? 1 : 0) + ' s'; }
    if (a < 3600000) { return (ms / 60000).toFixed(a < 600000 ? 1 : 0) + ' min'; }
    if (a < 86400000) { return (ms / 3600000).toFixed(1) + ' h'; }
    return (ms / 86400000).toFixed(1) + ' d';
  }

  function duration(iso) {
    var ms = durationMillis(iso);
    return ms === null ? iso : human(ms);
  }

  function when(iso) {
    if (!iso) { return null; }
    var t = Date.parse(iso);
    if (isNaN(t)) { return String(iso); }
    var diff = t - Date.now();
    var rel = Math.abs(diff) < 1500 ? 'now' : (diff < 0 ? human(-diff) + ' ago' : 'in ' + human(diff));
    return new Date(t).toLocaleString() + ' (' + rel + ')';
  }

  /* The operator-facing text of a refusal: a problem's detail, verbatim. */
  function problemText(status, body, fallback) {
    var text = null;
    if (body && typeof body === 'object') {
      text = body.detail || body.error || body.title || body.message || null;
    } else if (typeof body === 'string' && body.trim() !== '' && body.trim().charAt(0) !== '<') {
      text = body.trim();
    }
    return status + ': ' + (text || fallback || 'request failed');
  }

  function headers(json) {
    var h = { 'Accept': 'application/json' };
    if (json) { h['Content-Type'] = 'application/json'; }
    if (csrfHeader && csrfToken) { h[csrfHeader] = csrfToken; }
    return h;
  }

  function call(method, path, body) {
    var init = { method: method, headers: headers(body !== undefined), credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) { init.body = JSON.stringify(body); }
    return fetch(new URL(path, actuator), init).then(function (r) {
      return r.text().then(function (t) {
        var parsed = null;
        try { parsed = t ? JSON.parse(t) : null; } catch (e) { parsed = t; }
        return { status: r.status, ok: r.ok, body: parsed };
      });
    }, function (e) {
      return { status: 0, ok: false, body: { detail: 'network error: ' + e.message } };
    });
  }

  function banner(text, kind) {
    var b = $('banner');
    if (!text) { b.hidden = true; b.textContent = ''; return; }
    b.textContent = text;
    b.className = kind || '';
    b.hidden = false;
  }

  /* ---------- rendering ---------- */

  function renderReadiness(dr) {
    var r = dr.readiness || {};
    replace('region', dr.region ? '\u2014 ' + dr.region : '');
    replace('readiness',
      el('p', null, r.ready ? badge('READY', 'ok') : badge('NOT READY', 'bad'), ' ',
        r.role ? el('span', { id: 'role' }, 'serving role: ' + r.role) : null),
      facts([['Computed', when(r.computedAt)]]));
    var reasons = (r.reasons || []).map(function (code) { return el('li', null, badge(code, 'warn')); });
    if (reasons.length === 0) { reasons = [el('li', { 'class': 'note' }, 'No reason against readiness.')]; }
    replace('reasons', reasons);
  }

  function objectives(dr) { return Array.isArray(dr.objectives) ? dr.objectives : []; }

  function renderTopology(dr) {
    var t = dr.topology;
    if (!t) { replace('topology', el('p', { 'class': 'note' }, 'No topology.')); return; }
    var fenced = t.fenced || [];
    var nodes = (t.nodes || []).map(function (n) {
      var status = String(n.status || 'UNKNOWN');
      var kind = /WRITER|PRIMARY/.test(status) ? 'ok' : /READER|REPLICA|STANDBY/.test(status) ? 'muted' : 'bad';
      var lagMs = durationMillis(n.lag);
      var rpo = lagMs === null ? [] : objectives(dr).map(function (o) {
        var rpoMs = durationMillis(o.rpo);
        if (rpoMs === null) { return null; }
        var kept = lagMs <= rpoMs;
        return el('li', null, badge(kept ? 'within' : 'over', kept ? 'ok' : 'bad'),
          ' ' + o.dataClass + ' RPO ' + duration(o.rpo));
      });
      var isFenced = fenced.indexOf(n.endpoint) >= 0;
      return el('div', { 'class': 'card', data: { node: n.endpoint } },
        el('h3', null, el('span', null, n.endpoint), el('span', null, badge(status, kind),
          isFenced ? ' ' : null, isFenced ? badge('FENCED', 'bad') : null)),
        facts([
          ['Region', n.region],
          ['Timeline', n.timeline],
          ['Lag', n.lag ? duration(n.lag) : null],
          ['Lag bytes', n.lagBytes],
          ['Fresh', n.fresh === undefined ? null : (n.fresh ? 'yes' : 'no')],
          ['Reason', n.reason],
          ['Last seen', when(n.lastSeen)]
        ]),
        rpo.length ? el('ul', { 'class': 'plain' }, rpo) : null);
    });
    replace('topology',
      facts([
        ['Writer', t.writer || 'none'],
        ['Epoch', t.epoch],
        ['Newest timeline', t.newestTimeline],
        ['Fenced', fenced.length ? fenced.join(', ') : 'none'],
        ['Observed', when(t.observedAt)]
      ]),
      el('div', { 'class': 'cards', id: 'nodes' }, nodes));
  }

  function renderObjectives(dr) {
    var list = objectives(dr);
    if (!list.length) { replace('objectives', el('p', { 'class': 'note' }, 'No objectives declared.')); return; }
    replace('objectives', el('div', { 'class': 'cards' }, list.map(function (o) {
      return el('div', { 'class': 'card', data: { objective: o.dataClass } },
        el('h3', null, el('span', null, o.dataClass),
          o.rpoKept === false || o.rtoKept === false ? badge('MISSED', 'bad') : badge('OK', 'ok')),
        facts([
          ['RPO', duration(o.rpo)],
          ['Reader lag', o.localReaderLag ? duration(o.localReaderLag) : 'unknown'],
          ['RPO kept', o.rpoKept === null || o.rpoKept === undefined ? 'unknown' : (o.rpoKept ? 'yes' : 'no')],
          ['RTO', duration(o.rto)],
          ['Last failover', o.lastFailover ? duration(o.lastFailover) : 'none'],
          ['RTO kept', o.rtoKept === null || o.rtoKept === undefined ? 'n/a' : (o.rtoKept ? 'yes' : 'no')],
          ['Gates readiness', o.gatesReadiness ? 'yes' : 'no']
        ]));
    })));
  }

  function renderFailover(dr) {
    var f = dr.lastFailover;
    if (!f) { replace('failover', el('p', { 'class': 'note' }, 'None observed since this instance started.')); return; }
    replace('failover', facts([
      ['Duration', duration(f.duration)],
      ['Writer lost', when(f.writerLostAt)],
      ['Writer found', when(f.writerFoundAt)],
      ['New writer region', f.writerRegion]
    ]));
  }

  function drainSwitch(dr, ks) {
    var named = dr && dr.drainSwitch;
    if (named && typeof named === 'object') { named = named.name; }
    var switches = (ks && ks.switches) || [];
    if (typeof named === 'string' && named) {
      return { name: named, how: 'from the dr endpoint' };
    }
    var region = dr && dr.region;
    var exact = switches.filter(function (s) { return region && s.name === 'region-traffic.' + region; })[0];
    var any = exact || switches.filter(function (s) { return /^region-traffic/.test(s.name); })[0];
    return any ? { name: any.name, how: 'found in the switch list' } : null;
  }

  function renderDrain(dr, ks) {
    var d = drainSwitch(dr, ks);
    state.drain = d;
    if (!d) { replace('drain', el('p', { 'class': 'note' }, 'No drain switch found.')); return; }
    var s = ((ks && ks.switches) || []).filter(function (x) { return x.name === d.name; })[0];
    var drained = s && s.state === 'killed';
    replace('drain',
      el('p', null, drained ? badge('DRAINED', 'bad') : badge('TAKING TRAFFIC', 'ok'), ' ',
        el('code', { id: 'drain-switch' }, d.name)),
      s ? facts([['Layer', s.layer], ['Source', s.source], ['Reason', s.reason], ['By', s.actor],
        ['Changed', when(s.changedAt)], ['Expires', when(s.expiresAt)]]) : null,
      el('p', { 'class': 'note' }, 'Draining makes the Route 53 health path answer 503. This instance: only this '
        + 'instance; fleet: every instance that reads the fleet source.'),
      el('div', { 'class': 'actions' },
        drained
          ? el('button', { type: 'button', id: 'undrain', onclick: function () { openAction(d.name, 'enabled', 'Undrain region'); } }, 'Undrain region\u2026')
          : el('button', { type: 'button', id: 'drain-region', 'class': 'danger', onclick: function () { openAction(d.name, 'killed', 'Drain region'); } }, 'Drain region\u2026')));
  }

  function renderFleet(ks) {
    var f = ks.fleet;
    if (ks.writes === 'off') {
      replace('fleet', 'Changes are off: the killswitches endpoint is read-only (set management.endpoint.killswitches.access=unrestricted to allow them).');
      return;
    }
    if (!f) { replace('fleet', 'Changes apply to this instance only (this endpoint offers no fleet scope).'); return; }
    replace('fleet', 'Fleet source: ' + (f.source || 'unknown') + (f.writable ? ' (writable)' : ' (read-only' + (f.why ? ': ' + f.why : '') + ')'));
  }

  function renderSwitches(ks) {
    var list = ks.switches || [];
    if (!list.length) { replace('switches', el('p', { 'class': 'note' }, 'No switches declared.')); return; }
    replace('switches', el('div', { 'class': 'cards' }, list.map(function (s) {
      var killed = s.state === 'killed';
      return el('div', { 'class': 'card' + (killed ? ' killed' : ''), data: { 'switch': s.name } },
        el('h3', null, el('span', { 'class': 'name' }, s.name), el('span', { 'class': 'state' }, badge(killed ? 'KILLED' : 'ENABLED', killed ? 'bad' : 'ok'))),
        facts([
          ['Layer', s.layer],
          ['Source', s.source],
          ['Reason', s.reason, 'reason'],
          ['By', s.actor],
          ['Changed', when(s.changedAt)],
          ['Expires', s.expiresAt ? when(s.expiresAt) : 'never']
        ]),
        el('div', { 'class': 'actions' },
          killed
            ? el('button', { type: 'button', 'class': 'enable', onclick: function () { openAction(s.name, 'enabled'); } }, 'Enable\u2026')
            : el('button', { type: 'button', 'class': 'danger kill', onclick: function () { openAction(s.name, 'killed'); } }, 'Kill\u2026'),
          s.layer && s.layer !== 'default'
            ? el('button', { type: 'button', 'class': 'secondary clear', onclick: function () { openAction(s.name, 'clear'); } }, 'Remove setting\u2026')
            : null));
    })));
  }

  function renderProfiles(ks) {
    var profiles = ks.profiles || {};
    var names = Object.keys(profiles);
    if (!names.length) { replace('profiles', el('p', { 'class': 'note' }, 'No profiles declared.')); return; }
    replace('profiles', el('div', { 'class': 'cards' }, names.map(function (p) {
      return el('div', { 'class': 'card', data: { profile: p } },
        el('h3', null, el('span', null, p)),
        facts([['Switches', (profiles[p] || []).join(', ')]]),
        el('div', { 'class': 'actions' },
          el('button', { type: 'button', 'class': 'danger kill', onclick: function () { openAction(p, 'killed', 'Profile ' + p); } }, 'Kill all\u2026'),
          el('button', { type: 'button', 'class': 'enable', onclick: function () { openAction(p, 'enabled', 'Profile ' + p); } }, 'Enable all\u2026'),
          el('button', { type: 'button', 'class': 'secondary clear', onclick: function () { openAction(p, 'clear', 'Profile ' + p); } }, 'Remove\u2026')));
    })));
  }

  function renderSources(list) {
    if (!list || !list.length) { replace('sources', el('p', { 'class': 'note' }, 'No fleet sources: switches come from configuration and overrides.')); return; }
    replace('sources', el('div', { 'class': 'cards' }, list.map(function (s) {
      return el('div', { 'class': 'card', data: { source: s.name } },
        el('h3', null, el('span', null, s.name), s.stale ? badge('STALE', 'bad') : badge('FRESH', 'ok')),
        facts([
          ['Last read', when(s.lastSuccess) || 'never'],
          ['Failures in a row', s.consecutiveFailures],
          ['Last failure', when(s.lastFailure)],
          ['Last error', s.lastError],
          ['From local snapshot', s.fromLocalSnapshot ? 'yes' : null]
        ]));
    })));
  }

  function renderChanges(list) {
    list = (list || []).slice().sort(function (a, b) { return String(b.time).localeCompare(String(a.time)); });
    if (!list.length) { replace('changes', el('li', { 'class': 'note' }, 'No changes since start.')); return; }
    replace('changes', list.slice(0, 50).map(function (c) {
      return el('li', null,
        el('strong', null, c['switch']), ' ', c.from + ' \u2192 ' + c.to, ' (' + c.layer + (c.source ? ', ' + c.source : '') + ') ',
        'by ' + (c.actor || '?') + ': ', el('q', { 'class': 'reason' }, c.reason || ''), ' ',
        el('span', { 'class': 'when' }, when(c.time)),
        c.expiresAt ? el('span', { 'class': 'when' }, ', expires ' + when(c.expiresAt)) : null);
    }));
  }

  function render() {
    var dr = state.dr, ks = state.ks;
    if (dr) { renderReadiness(dr); renderTopology(dr); renderObjectives(dr); renderFailover(dr); }
    if (ks) { renderFleet(ks); renderSwitches(ks); renderProfiles(ks); renderChanges(ks.recentChanges); }
    renderSources(ks ? ks.sources : dr ? dr.switchSources : null);
    renderDrain(dr, ks);
  }

  function load() {
    clearTimeout(state.timer);
    $('updated').textContent = 'Refreshing\u2026';
    return Promise.all([call('GET', 'dr'), call('GET', 'killswitches')]).then(function (res) {
      var errors = [];
      if (res[0].ok) { state.dr = res[0].body; } else { errors.push('dr endpoint ' + problemText(res[0].status, res[0].body)); }
      if (res[1].ok) { state.ks = res[1].body; } else { errors.push('killswitches endpoint ' + problemText(res[1].status, res[1].body)); }
      render();
      banner(errors.length ? 'Cannot read ' + errors.join('; ') : null, 'bad');
      state.loads++;
      document.body.dataset.loads = String(state.loads);
      $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
    }).then(schedule, function (e) {
      banner('The console failed to render: ' + e.message, 'bad');
      schedule();
    });
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(load, refreshMillis);
  }

  /* ---------- actions ---------- */

  var action = { name: null };

  function openAction(name, op, title) {
    action.name = name;
    $('action-title').textContent = (title || 'Switch ' + name);
    $('op-' + op).checked = true;
    $('action-reason').value = '';
    $('action-ttl').value = '';
    $('action-error').textContent = '';
    var fleet = state.ks && state.ks.fleet;
    var fleetLabel = $('scope-fleet-label');
    $('scope-instance').checked = true;
    if (!fleet) {
      fleetLabel.hidden = true;
      $('fleet-why').textContent = 'Fleet scope is not offered by this endpoint: the change applies to this instance only.';
    } else {
      fleetLabel.hidden = false;
      $('scope-fleet').disabled = !fleet.writable;
      $('fleet-source').textContent = fleet.source ? '(' + fleet.source + ')' : '';
      $('fleet-why').textContent = fleet.writable ? '' : 'Fleet writes refused: ' + (fleet.why || 'the source is read-only');
    }
    syncTtl();
    var dialog = $('action');
    if (typeof dialog.showModal === 'function') { dialog.showModal(); } else { dialog.setAttribute('open', ''); }
    $('action-reason').focus();
  }

  function closeAction() {
    var dialog = $('action');
    if (typeof dialog.close === 'function') { dialog.close(); } else { dialog.removeAttribute('open'); }
  }

  function selected(name) {
    var checked = document.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }

  function syncTtl() { $('action-ttl').disabled = selected('op') === 'clear'; }

  function submitAction(event) {
    event.preventDefault();
    var op = selected('op');
    var scope = selected('scope') || 'instance';
    var reason = $('action-reason').value.trim();
    var ttl = $('action-ttl').value.trim();
    if (!reason) { $('action-error').textContent = 'A reason is required.'; $('action-reason').focus(); return; }
    var name = action.name;
    var path = 'killswitches/' + encodeURIComponent(name);
    var request;
    if (op === 'clear') {
      var q = '?reason=' + encodeURIComponent(reason) + (scope === 'fleet' ? '&scope=fleet' : '');
      request = call('DELETE', path + q);
    } else {
      var body = { state: op, reason: reason };
      if (ttl) { body.ttl = ttl; }
      if (scope === 'fleet') { body.scope = 'fleet'; }
      request = call('POST', path, body);
    }
    $('action-submit').disabled = true;
    $('action-error').textContent = 'Sending\u2026';
    request.then(function (r) {
      $('action-submit').disabled = false;
      if (!r.ok) { $('action-error').textContent = problemText(r.status, r.body); return; }
      closeAction();
      var what = (op === 'clear' ? 'Removed the setting of ' : (op === 'killed' ? 'Killed ' : 'Enabled ')) + name;
      if (r.status === 202) {
        banner(what + ' for the fleet: accepted' + (r.body && r.body.visibleWithin ? ', visible within ' + duration(r.body.visibleWithin) : '') + '.', 'ok');
      } else {
        banner(what + ' on this instance.', 'ok');
      }
      var notice = $('banner').textContent;
      load().then(function () { if ($('banner').hidden) { banner(notice, 'ok'); } });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('refresh').addEventListener('click', load);
    $('action-form').addEventListener('submit', submitAction);
    $('action-cancel').addEventListener('click', closeAction);
    Array.prototype.forEach.call(document.querySelectorAll('input[name="op"]'), function (r) { r.addEventListener('change', syncTtl); });
    load();
  });
}());
