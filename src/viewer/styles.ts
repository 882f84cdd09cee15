/** The one stylesheet of the report and the view app (inlined: pages never load anything). */
import {shadeClassCss} from "./render/basics.js";

export const viewerStyles = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5a5f66; --line: #d9dce1; --panel: #ffffff; --page: #f4f5f7; --accent: #0b57d0; --focus: #111; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.top { background: #16181d; color: #f2f3f5; padding: .75rem 1.25rem; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; align-items: baseline; }
header.top h1 { font-size: 1.15rem; margin: 0; font-weight: 650; overflow-wrap: anywhere; }
header.top .brand { font-weight: 700; letter-spacing: .02em; color: #9ecbff; text-decoration: none; }
header.top nav a { color: #d7e7ff; margin-right: 1rem; }
header.top .muted { color: #c3c8d0; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.panel h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
.panel h3 { font-size: .9rem; margin: .8rem 0 .25rem; color: var(--muted); font-weight: 600; }
.target { font-size: 1.05rem; margin: 0 0 1rem; }
.target code { background: #fff3e0; border: 1px solid #f1c27d; border-radius: 4px; padding: .05rem .35rem; font-size: 1rem; white-space: pre-wrap; }
.controls { display: flex; flex-wrap: wrap; gap: .75rem 2rem; align-items: flex-start; }
fieldset.segmented { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; min-width: 0; }
fieldset.segmented legend { font-size: .8rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; padding: 0; margin-bottom: .35rem; float: left; width: 100%; }
fieldset.segmented input { position: absolute; opacity: 0; width: 1px; height: 1px; }
fieldset.segmented label { border: 1px solid #b9bec6; background: #fff; border-radius: 999px; padding: .3rem .8rem; cursor: pointer; font-size: .92rem; white-space: nowrap; }
fieldset.segmented label .count { color: var(--muted); font-size: .8rem; margin-left: .2rem; }
fieldset.segmented label.token { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
fieldset.segmented input:checked + label { background: #16181d; border-color: #16181d; color: #fff; }
fieldset.segmented input:checked + label .count { color: #c9ced6; }
fieldset.segmented input:focus-visible + label { outline: 3px solid var(--focus); outline-offset: 2px; }
.scale { display: flex; align-items: center; gap: .5rem; font-size: .85rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.scale .bar { flex: 0 1 260px; height: 12px; border-radius: 6px; border: 1px solid var(--line); background: linear-gradient(90deg, rgb(33,102,172), rgb(146,197,222), rgb(247,247,247), rgb(253,184,99), rgb(179,88,6)); }
.scale-words { font-size: .88rem; color: var(--muted); margin: .35rem 0 .5rem; }
.detail { min-height: 3em; margin: 0 0 .75rem; padding: .5rem .75rem; background: #f7f8fa; border-left: 4px solid #16181d; border-radius: 4px; font-size: .92rem; overflow-wrap: anywhere; }
.sources .text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 1.02rem; line-height: 2.05; }
.u { border-radius: 3px; padding: .12em 0; box-decoration-break: clone; -webkit-box-decoration-break: clone; cursor: default; }
.text.separated .u { box-shadow: inset -1px 0 0 rgba(255, 255, 255, .85); }
.u:hover, .text.separated .u:hover { box-shadow: 0 0 0 2px #16181d; }
.u:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; }
.hint { font-size: .88rem; color: var(--muted); margin: 0 0 .5rem; }
.table-scroll { overflow: auto; max-height: 32rem; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #eceef1; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f0f2f5; z-index: 1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.matrix tbody th { font-weight: 400; min-width: min(14rem, 45vw); max-width: 28rem; overflow-wrap: break-word; position: sticky; left: 0; background: #fff; z-index: 1; box-shadow: inset -1px 0 0 var(--line); }
table.matrix thead th:first-child { position: sticky; left: 0; z-index: 2; }
table.matrix thead th { white-space: nowrap; }
table.matrix button.sort { font: inherit; font-size: .8rem; margin-left: .2rem; padding: .05rem .3rem; border: 1px solid #b9bec6; border-radius: 4px; background: #fff; color: var(--ink); cursor: pointer; }
table.matrix td.se, table.matrix th.se { color: var(--muted); }
label.switch { font-size: .9rem; display: flex; gap: .4rem; align-items: center; }
.note { font-size: .88rem; margin: .35rem 0 .5rem; padding: .4rem .6rem; background: #fff8e1; border-left: 4px solid #8a6100; border-radius: 4px; }
.topk h3 { margin-top: 0; }
.topk ol { margin: 0 0 .75rem; padding-left: 1.6rem; columns: 2 16rem; font-size: .9rem; }
.topk li { margin: 0 0 .2rem; break-inside: avoid; }
.topk .chip { border-radius: 3px; padding: 0 .25rem; }
.topk .num { font-variant-numeric: tabular-nums; }
.topk .index { color: var(--muted); font-size: .8rem; }
table.matrix .index { color: var(--muted); font-size: .8rem; font-variant-numeric: tabular-nums; margin-right: .25rem; }
table.matrix thead button { font: inherit; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; border: 1px solid #b9bec6; background: #fff; border-radius: 6px; padding: .1rem .45rem; cursor: pointer; }
table.matrix thead button[aria-pressed="true"] { background: #16181d; color: #fff; border-color: #16181d; }
td.selected { box-shadow: inset 2px 0 0 #6b7280, inset -2px 0 0 #6b7280; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .6rem 1.5rem; margin: 0; }
dl.facts div { min-width: 0; }
dl.facts dt { font-size: .85rem; color: var(--muted); font-weight: 600; overflow-wrap: anywhere; }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
dl.facts .note { color: var(--muted); font-size: .85rem; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 1rem 1.5rem; }
.plots.single { max-width: 560px; }
figure.plot { margin: 0; min-width: 0; }
figure.plot svg { width: 100%; height: auto; display: block; }
figure.plot .plot-area { fill: #fbfbfc; }
figure.plot .grid { stroke: #e6e8eb; }
figure.plot .axis { stroke: #4a4f57; }
figure.plot .zero { stroke: #8a9099; stroke-dasharray: 3 3; }
figure.plot .tick { font-size: 12px; fill: #3d4249; }
figure.plot .axis-label { font-size: 13px; fill: #1b1b1b; }
figure.plot .caption { font-size: .85rem; color: var(--muted); margin: .25rem 0 0; }
ul.legend { list-style: none; padding: 0; margin: .35rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem; }
ul.legend .swatch { display: inline-block; width: 1.4rem; height: 0; border-top: 3px solid var(--swatch); vertical-align: middle; margin-right: .35rem; }
ul.legend .swatch.dashed { border-top-style: dashed; }
ul.legend .swatch.dot { width: .7rem; height: .7rem; border: 0; border-radius: 50%; background: var(--swatch); }
.compare { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 1rem; }
.compare > div { min-width: 0; }
main button[data-role] { font: inherit; font-size: .95rem; padding: .4rem .9rem; border: 1px solid #16181d; border-radius: 6px; background: #16181d; color: #fff; cursor: pointer; }
h2.side { font-size: 1.1rem; margin: .5rem 0 .75rem; overflow-wrap: anywhere; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; }
form.filters label { display: flex; flex-direction: column; font-size: .8rem; font-weight: 600; color: var(--muted); }
form.filters input, form.filters select, form.filters button { font: inherit; font-size: .95rem; padding: .35rem .5rem; border: 1px solid #b9bec6; border-radius: 6px; background: #fff; color: var(--ink); min-width: 8rem; }
form.filters button { background: #16181d; color: #fff; border-color: #16181d; cursor: pointer; min-width: 0; }
.error { background: #fff1f0; border: 1px solid #f3b4ae; color: #7a1c14; border-radius: 8px; padding: .75rem 1rem; }
.muted { color: var(--muted); }
.input-panel { position: relative; }
.u.r, .r-key { text-decoration: underline; text-decoration-style: dashed; text-decoration-thickness: 2px; text-underline-offset: .22em; }
dl.context { margin: 0 0 1rem; padding: .6rem .9rem; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
dl.context div + div { margin-top: .35rem; }
dl.context dt { font-size: .8rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
dl.context dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.tip { position: absolute; z-index: 5; max-width: min(28rem, calc(100% - 1rem)); padding: .35rem .6rem; background: #16181d; color: #fff; border-radius: 6px; font-size: .85rem; box-shadow: 0 2px 8px rgba(0, 0, 0, .25); pointer-events: none; overflow-wrap: anywhere; }
.tip[hidden] { display: none; }
p.exports { margin: .4rem 0 0; font-size: .85rem; }
a.export { white-space: nowrap; }
.verdict { font-size: 1.05rem; font-weight: 600; margin: 0 0 1rem; padding: .6rem .9rem; background: #fff; border: 1px solid var(--line); border-left: 5px solid #16181d; border-radius: 6px; }
figure.said { margin: 0 0 .9rem; }
figure.said figcaption { font-size: .85rem; font-weight: 600; color: var(--muted); }
figure.said blockquote { margin: .2rem 0; padding: .5rem .75rem; background: #f7f8fa; border-left: 3px solid var(--line); white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #ffe08a; color: #1b1b1b; padding: 0 .1em; border-radius: 2px; }
ol.steps li { margin-bottom: .3rem; overflow-wrap: anywhere; }
@media (max-width: 640px) {
  main { padding: .75rem .6rem 2rem; }
  .panel { padding: .75rem .8rem; border-radius: 8px; }
  header.top { padding: .6rem .8rem; }
  .sources .text { font-size: 1rem; }
  dl.facts { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
}
${shadeClassCss()}
@media print { .controls, .detail { display: none; } body { background: #fff; } }
`;
