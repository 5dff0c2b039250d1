/** The contact sheet's stylesheet: inline, light and dark by the reader's system setting. */

export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --text: #1d2330; --muted: #5d6678; --line: #dde1e8;
  --accent: #1f6feb; --best: #1a7f37; --best-bg: #e6f4ea; --thumb-bg: #eceff3;
  --exact: #8250df; --near: #bf5b04; --similar: #0969da;
  --radius: 10px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --panel: #181c23; --text: #e3e7ee; --muted: #98a1b3; --line: #2b313c;
    --accent: #58a6ff; --best: #3fb950; --best-bg: #13251a; --thumb-bg: #11151b;
    --exact: #b392f0; --near: #f0883e; --similar: #58a6ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
main { max-width: 1400px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 0; }
.run { color: var(--muted); margin: 0 0 20px; overflow-wrap: anywhere; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 16px; }
.stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px 14px; }
.stat .value { font-size: 22px; font-weight: 650; }
.stat .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
details.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 10px 14px; margin-bottom: 12px; }
details.panel summary { cursor: pointer; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-top: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
.toolbar { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; margin: 20px 0 12px;
  position: sticky; top: 0; z-index: 2; background: var(--bg); padding: 8px 0; border-bottom: 1px solid var(--line); }
.toolbar.bottom { position: static; border: 0; }
#po-groups { scroll-margin-top: 64px; }
.toolbar label { color: var(--muted); display: inline-flex; gap: 6px; align-items: center; }
input, select, button { font: inherit; color: inherit; background: var(--panel); border: 1px solid var(--line);
  border-radius: 6px; padding: 4px 8px; }
button { cursor: pointer; white-space: nowrap; }
button:disabled { opacity: .45; cursor: default; }
input[type=search] { min-width: 220px; }
input.page-input { width: 5em; text-align: right; }
.pager { display: flex; gap: 6px; align-items: center; margin-left: auto; }
.pager .count { color: var(--muted); margin-right: 6px; }
.group { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px;
  margin-bottom: 14px; }
.group-head { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: baseline; }
.group-head .meta { color: var(--muted); }
.kind { cursor: help; }
.kind-exact { color: var(--exact); } .kind-near { color: var(--near); } .kind-similar { color: var(--similar); }
.reason { margin: 6px 0 12px; color: var(--muted); }
.reason b { color: var(--text); font-weight: 600; }
.why { margin: 6px 0 0; font-size: 12px; color: var(--muted); }
.why b { color: var(--text); font-weight: 600; }
.items { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; }
.item { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; display: flex; flex-direction: column; }
.item.best { border: 2px solid var(--best); background: var(--best-bg); }
.thumb { position: relative; height: 170px; display: flex; align-items: center; justify-content: center;
  background: var(--thumb-bg); }
.thumb img { max-width: 100%; max-height: 160px; width: auto; height: auto; display: block; }
.no-thumb { color: var(--muted); font-size: 12px; }
.badge { position: absolute; top: 6px; left: 6px; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  font-weight: 700; color: #fff; background: var(--best); }
.badge.ref { left: auto; right: 6px; background: var(--muted); }
.info { padding: 8px 10px 10px; display: grid; gap: 2px; font-size: 12.5px; }
.name { font-weight: 600; font-size: 13px; overflow-wrap: anywhere; }
.path { color: var(--muted); overflow-wrap: anywhere; font-size: 11.5px; }
.info dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; margin: 4px 0 0; }
.info dt { color: var(--muted); }
.info dd { margin: 0; overflow-wrap: anywhere; }
a { color: var(--accent); }
@media (max-width: 640px) {
  .toolbar { position: static; }
  .pager { margin-left: 0; flex-wrap: wrap; }
}
.info dt[title] { cursor: help; text-decoration: underline dotted; }
.empty { color: var(--muted); padding: 24px 0; text-align: center; }
.noscript { padding: 12px; border: 1px solid var(--near); border-radius: var(--radius); }
`;
