/**
 * Browser glue of the explanation view (runs in the page, sent as source text): keeps the
 * state, re-renders the part that changes, and handles hover, focus and arrow keys. The DOM is
 * typed by the few members used here, so this file needs no DOM library types.
 */
import type {ExplainState, ExplainView} from "../view-model.js";
import {shadeClass} from "./basics.js";
import {describeUnit, explainLevelData, rationaleGroups, renderExplainMain, renderLegend} from "./explain-html.js";
import {renderMatrix} from "./value-table.js";

export interface PageElement {
    innerHTML: string;
    textContent: string | null;
    className: string;
    tabIndex: number;
    checked?: boolean;
    value?: string;
    classList: {contains(name: string): boolean};
    getAttribute(name: string): string | null;
    setAttribute(name: string, value: string): void;
    removeAttribute(name: string): void;
    replaceWith(node: PageElement): void;
    closest(selector: string): PageElement | null;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    addEventListener(type: string, listener: (event: PageEvent) => void): void;
    focus(): void;
    offsetTop?: number;
    offsetLeft?: number;
    offsetHeight?: number;
    offsetWidth?: number;
    clientWidth?: number;
    hidden?: boolean;
    style?: {top: string; left: string};
}

export interface PageEvent {
    target: unknown;
    key?: string;
    preventDefault(): void;
}

export interface ExplainController {
    state: ExplainState;
    setLevel(level: number): void;
    setRow(row: number): void;
    /** The scale shared with views beside this one (null: this view's own). */
    setSharedScale(scale: number | null): void;
    /** This view's own one-scale value at its current level. */
    ownScale(): number;
}

export interface ExplainViewOptions {
    /** Called after each render with the view's own scale (compare shares the larger of two). */
    onScale?: (ownScale: number) => void;
    sharedScale?: number | null;
}

/** Wire up a rendered explanation (renderExplainBody) inside `root`. */
export function startExplainView(root: PageElement, view: ExplainView, idPrefix: string, options: ExplainViewOptions = {}): ExplainController {
    const state: ExplainState = {level: 0, row: 0, sharedScale: options.sharedScale ?? null};
    const checkedLevel = root.querySelector(`input[name="${idPrefix}-level"]:checked`);
    const checkedRow = root.querySelector(`input[name="${idPrefix}-row"]:checked`);
    state.level = Number(checkedLevel?.value ?? 0);
    state.row = Number(checkedRow?.value ?? 0);
    let shown = explainLevelData(view, state);
    const main = root.querySelector('[data-role="main"]') as PageElement;

    // Text elements of levels shown before, kept to be put back instead of parsed again.
    const keptText: Record<number, PageElement> = {};
    let shownLevel = state.level;
    const reshade = (): void => {
        const scale = shown.scale;
        const marked = rationaleGroups(view, state.level);
        const units = main.querySelectorAll(".sources .u");
        for (let index = 0; index < units.length; index++) {
            const unit = units[index] as PageElement;
            const value = shown.values[index] ?? null;
            unit.className = `u ${shadeClass(value, scale)}${marked?.[index] === true ? " r" : ""}`;
            unit.setAttribute("data-value", value === null ? "" : String(value));
        }
        const legend = main.querySelector('[data-role="legend"]');
        if (legend !== null) legend.innerHTML = renderLegend(view, state, scale);
        const matrix = main.querySelector('[data-role="matrix"]');
        if (matrix !== null) matrix.innerHTML = renderMatrix(view, state, shown, idPrefix);
    };
    /** A new level draws the text (or puts back the one kept) and re-shades; a new row only re-shades in place. */
    const render = (levelChanged: boolean): void => {
        shown = explainLevelData(view, state);
        if (levelChanged) {
            const previous = main.querySelector('[data-role="text"]');
            if (previous !== null) keptText[shownLevel] = previous;
            const kept = keptText[state.level];
            main.innerHTML = renderExplainMain(view, state, idPrefix, kept === undefined);
            if (kept !== undefined) {
                main.querySelector('[data-role="text-slot"]')?.replaceWith(kept);
                reshade();
            }
            shownLevel = state.level;
        } else reshade();
        const levelInput = root.querySelector(`#${idPrefix}-level-${state.level}`);
        if (levelInput !== null) levelInput.checked = true;
        const rowInput = root.querySelector(`#${idPrefix}-row-${state.row}`);
        if (rowInput !== null) rowInput.checked = true;
        options.onScale?.(shown.ownScale);
    };
    const controller: ExplainController = {
        state,
        setLevel(level: number) {
            state.level = level;
            render(true);
        },
        setRow(row: number) {
            state.row = row;
            render(false);
            // The detail follows the new row: same unit, the new token's value.
            if (detailUnit !== null) {
                const detail = root.querySelector('[data-role="detail"]');
                if (detail !== null)
                    detail.textContent = describeUnit(view, state, Number(detailUnit.getAttribute("data-i")), shown.values, shown.standardErrors);
            }
            hideTip();
        },
        setSharedScale(scale: number | null) {
            if (state.sharedScale === scale) return;
            state.sharedScale = scale;
            shown = explainLevelData(view, state);
            reshade();
        },
        ownScale() {
            return shown.ownScale;
        },
    };
    const asElement = (target: unknown): PageElement | null => {
        const element = target as PageElement | null;
        return element !== null && typeof element === "object" && typeof element.closest === "function" ? element : null;
    };
    let detailUnit: PageElement | null = null;
    /** The detail line, and the same words in a tip just under the unit (in view on a phone too). */
    const showDetail = (unit: PageElement): void => {
        detailUnit = unit;
        const words = describeUnit(view, state, Number(unit.getAttribute("data-i")), shown.values, shown.standardErrors);
        const detail = root.querySelector('[data-role="detail"]');
        if (detail !== null) detail.textContent = words;
        const tip = root.querySelector('[data-role="tip"]');
        const panel = tip?.closest(".input-panel") ?? null;
        if (tip === null || tip.style === undefined || panel === null) return;
        tip.textContent = words;
        tip.hidden = false;
        const width = Math.min(tip.offsetWidth ?? 0, panel.clientWidth ?? 0);
        const left = Math.max(0, Math.min(unit.offsetLeft ?? 0, (panel.clientWidth ?? 0) - width));
        tip.style.left = `${left}px`;
        tip.style.top = `${(unit.offsetTop ?? 0) + (unit.offsetHeight ?? 0) + 4}px`;
    };
    const hideTip = (): void => {
        const tip = root.querySelector('[data-role="tip"]');
        if (tip !== null) tip.hidden = true;
    };
    root.addEventListener("change", (event) => {
        const input = asElement(event.target);
        if (input === null) return;
        const control = input.getAttribute("data-control");
        if (control === "level") controller.setLevel(Number(input.value));
        if (control === "row") controller.setRow(Number(input.value));
        if (control === "per-column") {
            state.perColumn = input.checked === true;
            render(false);
        }
    });
    root.addEventListener("click", (event) => {
        const sort = asElement(event.target)?.closest('button[data-control="sort"]') ?? null;
        if (sort !== null) {
            const column = Number(sort.getAttribute("data-column"));
            if (column < 0) state.sortColumn = null;
            else {
                state.sortAscending = state.sortColumn === column ? state.sortAscending !== true : false;
                state.sortColumn = column;
            }
            render(false);
            root.querySelector(`button[data-control="sort"][data-column="${column}"]`)?.focus();
            return;
        }
        const button = asElement(event.target)?.closest('button[data-control="row"]') ?? null;
        if (button === null) return;
        controller.setRow(Number(button.getAttribute("data-row")));
        const again = root.querySelector(`button[data-control="row"][data-row="${state.row}"]`);
        if (again !== null) again.focus();
    });
    const onUnit = (event: PageEvent): void => {
        const unit = asElement(event.target)?.closest(".u") ?? null;
        if (unit !== null) showDetail(unit);
    };
    root.addEventListener("mouseover", onUnit);
    root.addEventListener("focusin", onUnit);
    root.addEventListener("mouseout", (event) => {
        if (asElement(event.target)?.closest(".u") !== null) hideTip();
    });
    root.addEventListener("keydown", (event) => {
        const unit = asElement(event.target)?.closest(".u") ?? null;
        if (unit === null) return;
        const units = root.querySelectorAll(".u");
        const current = Number(unit.getAttribute("data-i"));
        const steps: Record<string, number> = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -units.length, End: units.length};
        const step = steps[event.key ?? ""];
        if (step === undefined) return;
        event.preventDefault();
        const next = units[Math.max(0, Math.min(units.length - 1, current + step))];
        if (next === undefined) return;
        unit.removeAttribute("tabindex");
        next.tabIndex = 0;
        next.focus();
    });
    return controller;
}
