/** The console's only stylesheet, served at /console.css (the CSP allows no inline style). */
export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;background:#f4f6f9}
a{color:#2456c7}
.top{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#18202e;color:#fff}
.top a{color:#dfe6f3;text-decoration:none}
.brand{font-weight:700;color:#fff!important}
.top nav{display:flex;gap:14px;flex:1}
.signout{display:flex;gap:10px;align-items:center;margin:0;color:#aab6cc}
main{max-width:1120px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:4px 0 2px}
h2{font-size:16px;margin:0 0 10px}
.sub{color:#5b6678;margin:0 0 16px}
.tabs{display:flex;gap:6px;margin:10px 0 16px}
.tabs a{padding:6px 12px;border-radius:6px;text-decoration:none;background:#e3e8f0;color:#1d2430}
.tabs a.on{background:#2456c7;color:#fff}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:900px){.grid2{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #dde3ec;border-radius:10px;padding:16px 18px;margin-bottom:16px}
.card.narrow{max-width:420px;margin:60px auto}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.kpi{background:#fff;border:1px solid #dde3ec;border-radius:10px;padding:12px 14px}
.kpi b{display:block;font-size:22px}
.kpi span{color:#5b6678;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #edf0f5;vertical-align:top}
th{font-weight:600;color:#3c4656}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.bars th{width:150px;font-weight:500}
.bars td.meter{width:55%}
.bars svg{width:100%;height:14px;display:block}
.note{color:#5b6678;white-space:nowrap}
.chart{margin:0}
.chart svg{width:100%;height:auto;display:block}
.chart figcaption{display:flex;gap:16px;font-size:12px;color:#3c4656;margin-top:4px}
.key::before{content:"";display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px;background:currentColor}
.grid{stroke:#e6eaf0;stroke-width:1}
.tick{font-size:11px;fill:#6b7688}
.line{fill:none;stroke-width:2}
.line.a,.dot.a{stroke:#2456c7}.dot.a{fill:#2456c7}
.line.b,.dot.b{stroke:#e0791a}.dot.b{fill:#e0791a}
.bar.a{fill:#2456c7}.bar.b{fill:#e0791a}.bar.c{fill:#c2334d}.bar.d{fill:#8a94a6}.bar.e{fill:#2f9e6e}
.key.a{color:#2456c7}.key.b{color:#e0791a}.key.c{color:#c2334d}.key.d{color:#8a94a6}.key.e{color:#2f9e6e}
.period{display:flex;gap:12px;align-items:end;margin:0 0 16px}
label{display:flex;flex-direction:column;gap:4px;font-size:12px;color:#3c4656}
input,textarea,select{font:inherit;padding:6px 8px;border:1px solid #c5cedb;border-radius:6px;background:#fff}
textarea{width:100%;font-family:ui-monospace,Menlo,monospace;font-size:12px}
button{font:inherit;padding:6px 14px;border:0;border-radius:6px;background:#2456c7;color:#fff;cursor:pointer}
button.secondary{background:#e3e8f0;color:#1d2430}
button.danger{background:#c2334d}
pre{background:#18202e;color:#e4ecf8;padding:12px;border-radius:8px;overflow-x:auto;font-size:12px;white-space:pre}
.tags h3{font-size:13px;margin:10px 0 4px}
.tags pre{margin:0}
td a{white-space:nowrap}
.card table + h2{margin-top:22px}
.stack{display:flex;flex-direction:column;gap:10px}
.row{display:flex;gap:10px;align-items:end;flex-wrap:wrap}
.msg{padding:8px 12px;border-radius:6px;background:#e8f4ec;color:#1f6b43;margin-bottom:12px}
.err{padding:8px 12px;border-radius:6px;background:#fbe9ec;color:#9b1c33;margin-bottom:12px}
.muted{color:#5b6678}
`;
