// Web layer: the page shell (HTML + CSS) served at / and /app.css. Static text only: every figure
// and setting is filled in by the page's script from the JSON API, with textContent (never HTML).
// Must not embed data, inline scripts or anything fetched from the internet.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pacsgate</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script type="module" src="/js/web/page/app.js"></script>
</head>
<body>
<header>
  <h1>pacsgate</h1>
  <span id="identity" class="muted"></span>
  <button type="button" id="logout" hidden>Log out</button>
</header>
<div id="notice" role="status" aria-live="polite"></div>
<noscript><p>This page needs JavaScript.</p></noscript>

<section id="setup" hidden aria-labelledby="setup-h">
  <h2 id="setup-h">First-run setup</h2>
  <p>Enter the one-time setup token from the gateway's log (or its <code>setup-token</code> file) and choose the admin password.</p>
  <form id="setup-form" novalidate>
    <div class="field"><label for="setup-token">Setup token</label>
      <input id="setup-token" name="token" autocomplete="off" required data-key="token">
      <span class="err" id="setup-token-err"></span></div>
    <div class="field"><label for="setup-password">New password (10 characters or more)</label>
      <input id="setup-password" name="password" type="password" autocomplete="new-password" required minlength="10" data-key="password">
      <span class="err" id="setup-password-err"></span></div>
    <button type="submit">Set password</button>
  </form>
</section>

<section id="login" hidden aria-labelledby="login-h">
  <h2 id="login-h">Log in</h2>
  <form id="login-form" novalidate>
    <div class="field"><label for="login-password">Admin password</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required data-key="password">
      <span class="err" id="login-password-err"></span></div>
    <button type="submit">Log in</button>
  </form>
</section>

<main id="app" hidden>
  <nav aria-label="Sections"><a href="#status">Status</a> <a href="#settings">Settings</a></nav>
  <section id="status" aria-labelledby="status-h">
    <h2 id="status-h">Status</h2>
    <div class="cards">
      <div class="card"><h3>Spool</h3><meter id="spool-meter" min="0" max="1" value="0" aria-labelledby="spool-text"></meter>
        <p id="spool-text">–</p></div>
      <div class="card"><h3>Received</h3><p id="recv-text">–</p><p id="recv-rate" class="muted">–</p></div>
      <div class="card"><h3>Forwarded</h3><p id="fwd-text">–</p><p id="fwd-rate" class="muted">–</p></div>
      <div class="card"><h3>Associations</h3><p id="assoc-text">–</p></div>
    </div>
    <h3>Destinations</h3>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Destinations table">
      <table id="dest-table"><thead><tr><th scope="col">Name</th><th scope="col">Peer</th><th scope="col">State</th>
        <th scope="col">Queued</th><th scope="col">Oldest</th><th scope="col">Forwarded</th><th scope="col">Failed</th>
        <th scope="col">Dead letters</th><th scope="col">Last error</th></tr></thead><tbody></tbody></table>
    </div>
    <h3>Dead letters</h3>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Dead letters table">
      <table id="dl-table"><thead><tr><th scope="col">Destination</th><th scope="col">When</th><th scope="col">SOP class</th>
        <th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>
    </div>
    <h3>Last 100 instances</h3>
    <div class="table-wrap tall" tabindex="0" role="region" aria-label="Recent instances table">
      <table id="inst-table"><thead><tr><th scope="col">Received</th><th scope="col">SOP class</th><th scope="col">Modality</th>
        <th scope="col">Size</th><th scope="col">From</th><th scope="col">Status</th><th scope="col">Destinations</th></tr></thead><tbody></tbody></table>
    </div>
  </section>

  <section id="settings" aria-labelledby="settings-h">
    <h2 id="settings-h">Settings</h2>
    <form id="settings-form" novalidate>
      <fieldset><legend>This gateway</legend>
        <div class="grid">
          <div class="field"><label for="f-aeTitle">AE title</label><input id="f-aeTitle" data-key="aeTitle" autocomplete="off"><span class="err"></span></div>
          <div class="field"><label for="f-dicomPort">DICOM port</label><input id="f-dicomPort" data-key="dicom.port" inputmode="numeric"><span class="err"></span></div>
          <div class="field"><label for="f-spoolMax">Spool limit in MiB (empty: automatic)</label><input id="f-spoolMax" data-key="spool.maxBytes" inputmode="numeric"><span class="err"></span></div>
        </div>
      </fieldset>
      <fieldset><legend>Destinations</legend>
        <div id="destinations"></div>
        <button type="button" id="add-destination">Add destination</button>
      </fieldset>
      <fieldset><legend>Routing rules</legend>
        <p class="muted">No rules: every instance goes to every destination. Patterns may use * and ?.</p>
        <div id="routes"></div>
        <button type="button" id="add-route">Add rule</button>
      </fieldset>
      <fieldset><legend>Allowed callers</legend>
        <p class="muted">Empty: any calling AE may store. Otherwise the calling AE (and host, if given) must match a row.</p>
        <div id="allow"></div>
        <button type="button" id="add-allow">Add caller</button>
      </fieldset>
      <div class="actions"><button type="submit" id="save">Save settings</button> <span id="save-result" role="status" aria-live="polite"></span></div>
    </form>
  </section>
</main>
</body>
</html>
`;

export const PAGE_CSS = `
:root { --fg:#1b1f24; --muted:#59636e; --bg:#fff; --line:#d0d7de; --accent:#0b5cad; --bad:#b3261e; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.2rem; margin: 0; }
section, nav, #notice { padding: 0 1rem; max-width: 70rem; }
nav { padding-top: .5rem; } nav a { margin-right: 1rem; }
h2 { font-size: 1.15rem; margin: 1.2rem 0 .6rem; } h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.card h3 { margin: 0 0 .3rem; } .card p { margin: .2rem 0; }
meter { width: 100%; }
.table-wrap.tall { max-height: 26rem; overflow-y: auto; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.wrap { white-space: normal; min-width: 12rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .5rem .7rem; }
legend { font-weight: 600; padding: 0 .3rem; }
.grid, .row { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .4rem .7rem; align-items: start; }
.row { border-bottom: 1px dashed var(--line); padding: .5rem 0; }
.field { display: flex; flex-direction: column; min-width: 0; }
label { font-size: .85rem; color: var(--muted); }
input { font: inherit; padding: .35rem .45rem; border: 1px solid #8c959f; border-radius: 4px; min-width: 0; width: 100%; }
input[aria-invalid="true"] { border-color: var(--bad); outline: 2px solid var(--bad); }
.err { color: var(--bad); font-size: .85rem; min-height: 0; }
button { font: inherit; padding: .35rem .8rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 1px; }
.row-actions { display: flex; gap: .4rem; align-items: end; flex-wrap: wrap; }
.echo-result.ok { color: var(--ok); } .echo-result.bad { color: var(--bad); }
#notice:not(:empty) { margin: .5rem 1rem; padding: .4rem .7rem; border: 1px solid var(--bad); border-radius: 6px; }
.actions { margin: 0 0 2rem; }
#setup form, #login form { max-width: 28rem; display: grid; gap: .6rem; justify-items: start; }
`;
