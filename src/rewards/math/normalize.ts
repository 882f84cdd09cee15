/**
 * Normalisation of an extracted math answer before comparison: the answer's notation is reduced
 * to one spelling (TeX wrappers and spacing removed, `\dfrac` → `\frac`, `\text{…}` unwrapped,
 * degree signs, currency and trailing unit words dropped, number words read) so that two answers
 * a grader would read alike compare alike. Values are compared later (equivalence.ts).
 */
import {braceContent} from "./extract.js";

const unwrapCommands = ["text", "textbf", "textit", "textrm", "mathrm", "mathbf", "mathit", "mbox", "operatorname", "boxed", "fbox", "hbox"];

/** Unit words dropped after a value ("5 cm", "12 square feet", "3 \text{ hours}"). */
const unitWords = [
    "mm",
    "cm",
    "m",
    "km",
    "in",
    "inch",
    "inches",
    "ft",
    "foot",
    "feet",
    "yd",
    "yard",
    "yards",
    "mi",
    "mile",
    "miles",
    "meter",
    "meters",
    "metre",
    "metres",
    "centimeter",
    "centimeters",
    "millimeter",
    "millimeters",
    "kilometer",
    "kilometers",
    "g",
    "kg",
    "mg",
    "gram",
    "grams",
    "kilogram",
    "kilograms",
    "lb",
    "lbs",
    "pound",
    "pounds",
    "oz",
    "ounce",
    "ounces",
    "ton",
    "tons",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "l",
    "ml",
    "liter",
    "liters",
    "litre",
    "litres",
    "gallon",
    "gallons",
    "cup",
    "cups",
    "dollar",
    "dollars",
    "cent",
    "cents",
    "usd",
    "euro",
    "euros",
    "unit",
    "units",
    "degree",
    "degrees",
    "deg",
    "radian",
    "radians",
    "mph",
    "kph",
    "km/h",
    "m/s",
    "people",
    "persons",
    "students",
    "apples",
    "items",
    "times",
    "ways",
    "points",
    "marbles",
    "books",
    "cookies",
    "pages",
];
const unitPattern = new RegExp(
    `(?<=[\\d}.)])\\s*(?:(?:square|sq\\.?|cubic)\\s+)?(?:${unitWords.map(escapeRegExp).join("|")})(?:\\s*\\^\\s*\\{?[23]\\}?|²|³)?\\.?$`,
    "i",
);

const numberWords: Record<string, string> = {
    zero: "0",
    one: "1",
    two: "2",
    three: "3",
    four: "4",
    five: "5",
    six: "6",
    seven: "7",
    eight: "8",
    nine: "9",
    ten: "10",
    eleven: "11",
    twelve: "12",
    thirteen: "13",
    fourteen: "14",
    fifteen: "15",
    sixteen: "16",
    seventeen: "17",
    eighteen: "18",
    nineteen: "19",
    twenty: "20",
    thirty: "30",
    forty: "40",
    fifty: "50",
    hundred: "100",
    thousand: "1000",
};

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Replaces `\command{content}` by `content` for the given commands (nested calls included). */
function unwrap(text: string, commands: readonly string[]): string {
    let result = text;
    for (let guard = 0; guard < 50; guard++) {
        const match = new RegExp(`\\\\(?:${commands.join("|")})\\s*\\{`).exec(result);
        if (match === null) return result;
        const found = braceContent(result, match.index + match[0].length - 1);
        if (found === undefined) return result.slice(0, match.index) + result.slice(match.index + match[0].length);
        result = result.slice(0, match.index) + found.content + result.slice(found.end + 1);
    }
    return result;
}

/** `\binom{n}{k}` as factorials, which the CAS evaluates. */
function rewriteBinomials(text: string): string {
    let result = text;
    for (let guard = 0; guard < 20; guard++) {
        const start = result.indexOf("\\binom");
        if (start < 0) return result;
        let open = start + "\\binom".length;
        while (result[open] === " ") open++;
        const top = result[open] === "{" ? braceContent(result, open) : undefined;
        let next = top === undefined ? -1 : top.end + 1;
        while (next >= 0 && result[next] === " ") next++;
        const bottom = top !== undefined && result[next] === "{" ? braceContent(result, next) : undefined;
        if (top === undefined || bottom === undefined) return result;
        const n = top.content;
        const k = bottom.content;
        result = `${result.slice(0, start)}\\frac{(${n})!}{(${k})!((${n})-(${k}))!}${result.slice(bottom.end + 1)}`;
    }
    return result;
}

export function normalizeAnswer(raw: string): string {
    let text = raw.trim();
    text = text
        .replace(/^\$+|\$+$/g, "")
        .replace(/^\\\(|\\\)$/g, "")
        .replace(/^\\\[|\\\]$/g, "");
    text = text.replace(/\\displaystyle|\\left|\\right|\\big|\\Big|\\bigg|\\Bigg/g, "");
    text = text
        .replace(/\\[,;:! ]/g, " ")
        .replace(/\\quad|\\qquad/g, " ")
        .replace(/~/g, " ");
    text = text
        .replace(/\\[dt]frac/g, "\\frac")
        .replace(/\\[dt]binom/g, "\\binom")
        .replace(/\\le(?![a-z])/g, "\\leq")
        .replace(/\\ge(?![a-z])/g, "\\geq");
    text = text.replace(/≤/g, "\\leq").replace(/≥/g, "\\geq").replace(/−/g, "-").replace(/×/g, "\\times").replace(/·/g, "\\cdot");
    text = text
        .replace(/∞/g, "\\infty")
        .replace(/π/g, "\\pi")
        .replace(/√\s*(\d+|\w)/g, "\\sqrt{$1}")
        .replace(/∪/g, "\\cup");
    text = unwrap(text, unwrapCommands);
    text = text.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree/g, "");
    text = text.replace(/\\\$|\$/g, "").replace(/\\%/g, "%");
    text = rewriteBinomials(text);
    text = text
        .replace(/\s+/g, " ")
        .trim()
        .replace(/[.;]+$/, "")
        .trim();
    text = text.replace(/^(?:about|approximately|approx\.?|exactly|only|=)\s*/i, "");
    for (let guard = 0; guard < 3; guard++) {
        const stripped = text.replace(unitPattern, "").trim();
        // Only after a number: "2 h" is two hours, "\pi r^2 h" is a volume.
        if (stripped === text || stripped === "" || /[a-zA-Z]/.test(stripped.replace(/\\[a-zA-Z]+/g, ""))) break;
        text = stripped;
    }
    text = text.replace(/^(?:usd|us\$|eur)\s*/i, "");
    const word = numberWords[text.toLowerCase()];
    if (word !== undefined) text = word;
    return text.trim();
}

/** A plain number: "-3", "2.50", "1,000", "3/4", "2 1/2", "2\frac{1}{2}", "1e-3", with a trailing % kept apart. */
export interface PlainNumber {
    value: number;
    percent: boolean;
}

export function parsePlainNumber(text: string): PlainNumber | undefined {
    let body = text.replace(/\s+/g, " ").trim();
    const percent = /%$/.test(body) || /\s*percent$/i.test(body);
    body = body.replace(/\s*(?:%|percent)$/i, "").trim();
    if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(body)) body = body.replace(/,/g, "");
    const sign = body.startsWith("-") ? -1 : 1;
    const unsigned = body.replace(/^[+-]\s*/, "");
    let value: number | undefined;
    const mixedFrac = /^(\d+)\s*\\frac\s*\{(\d+)\}\s*\{(\d+)\}$/.exec(unsigned) ?? /^(\d+)\s+(\d+)\s*\/\s*(\d+)$/.exec(unsigned);
    const frac =
        /^\\frac\s*\{\s*(\d+(?:\.\d+)?)\s*\}\s*\{\s*(\d+(?:\.\d+)?)\s*\}$/.exec(unsigned) ??
        /^\\frac(\d)(\d)$/.exec(unsigned) ??
        /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(unsigned);
    if (mixedFrac !== null) {
        const denominator = Number(mixedFrac[3]);
        if (denominator !== 0 && Number(mixedFrac[2]) < denominator) value = Number(mixedFrac[1]) + Number(mixedFrac[2]) / denominator;
    } else if (frac !== null) {
        const denominator = Number(frac[2]);
        if (denominator !== 0) value = Number(frac[1]) / denominator;
    } else if (/^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(unsigned)) {
        value = Number(unsigned);
    }
    if (value === undefined || !Number.isFinite(value)) return undefined;
    return {value: sign * value, percent};
}
