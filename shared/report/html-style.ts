/** The report's only stylesheet, inline: system fonts, nothing fetched; print drops colour fills that waste ink. */
export const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa;
  --critical: #b42318; --high: #d9480f; --medium: #b08800; --low: #1f6feb; --info: #6e7781; --ok: #1a7f37; --no: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.meta, .muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--bg); }
.card b { display: block; font-size: 22px; }
.card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
th[scope="row"], .date { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.sev { font-weight: 600; text-transform: uppercase; font-size: 11px; }
.sev.critical { color: var(--critical); } .sev.high { color: var(--high); } .sev.medium { color: var(--medium); }
.sev.low { color: var(--low); } .sev.info { color: var(--info); }
.better { color: var(--ok); } .worse { color: var(--no); }
.wide { overflow-x: auto; }
figure { margin: 8px 0 4px; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: system-ui, sans-serif; }
svg text { fill: var(--ink); }
svg .axis { stroke: var(--line); }
svg .critical { fill: var(--critical); } svg .high { fill: var(--high); } svg .medium { fill: var(--medium); }
svg .low { fill: var(--low); } svg .info { fill: var(--info); } svg .ok { fill: var(--ok); } svg .no { fill: var(--no); }
svg .neutral { fill: #57606a; }
svg .h0 { fill: #eff2f5; } svg .h1 { fill: #c6e6ff; } svg .h2 { fill: #80ccff; } svg .h3 { fill: #218bff; } svg .h4 { fill: #0a3069; }
ul.facts { list-style: none; margin: 2px 0 0; padding: 0; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.notes { border-left: 4px solid var(--medium); background: #fff8c5; padding: 8px 12px; margin: 12px 0; }
.notes ul { margin: 4px 0; padding-left: 18px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; }
  table, figure, .card { break-inside: avoid; }
  .wide { overflow: visible; }
  .card, th { background: none; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 14mm; }
`;
