/**
 * The bad-input battery for flags and messages: every row runs the CLI as a user would and checks
 * the exit code, a fragment of the message, and that the output is one clean line (no stack
 * trace, no signal, no control bytes). No row loads a model: each fails before that, or (with a
 * scripted model) on the flag at fault.
 */
import assert from "node:assert/strict";
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, test} from "node:test";
import {runCli} from "../helpers/run-cli.js";
import {scratchFolder} from "../helpers/scratch.js";

const folder = scratchFolder("battery-flags");
const file = (name: string, content: string | Uint8Array): string => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
};
const ggufBytes = Uint8Array.from([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0x1b, 0x5b, 0x32, 0x4a, 0, 0, 0, 0, 0xff, 0xfe, 7, 8]);
const gguf = file("model.gguf", ggufBytes);
const noise = file("noise.json", Uint8Array.from([0xff, 0xfe, 0xfd, 0x80, 0x81, 0x1b, 0x5d, 0x07, 0x9b, 0xc3]));
const missingModel = join(folder, "absent.gguf");
const missingFile = join(folder, "absent.json");
const arith = "data/reasoning/arith.jsonl";
const messagesExtra = file("extra.json", JSON.stringify([{role: "user", content: "hi", name: "me"}]));
const messagesEmpty = file("empty.json", "[]");
const subfolder = join(folder, "sub");
mkdirSync(subfolder);
const model = ["--model", missingModel];
const scripted = ["--model", "scripted:honest-explainer"];

interface Row {
    /** What the row is about. */
    name: string;
    argv: string[];
    code: number;
    /** Matched against stderr (stdout too when the exit code is 0). */
    message: RegExp;
    /** Must not appear in the output. */
    absent?: RegExp;
}

const rows: Row[] = [
    // Numbers after a space may be negative: read as the value, then range-checked.
    {
        name: "negative temperature",
        argv: ["generate", ...model, "--prompt", "p", "--temperature", "-1"],
        code: 2,
        message: /--temperature is out of range; expected a number ≥ 0; received -1$/m,
    },
    {
        name: "negative max-tokens",
        argv: ["generate", ...model, "--prompt", "p", "--max-tokens", "-1"],
        code: 2,
        message: /--max-tokens is out of range; expected an integer ≥ 1; received -1/,
    },
    {
        name: "negative max-tokens with =",
        argv: ["generate", ...model, "--prompt", "p", "--max-tokens=-3"],
        code: 2,
        message: /--max-tokens is out of range.*received -3/,
    },
    {
        name: "negative decimal temperature in compare",
        argv: ["compare", ...scripted, "--tuned", "x", "--temperature", "-0.5"],
        code: 2,
        message: /--temperature is out of range; expected a number from 0 to 2; received -0.5/,
    },
    {
        name: "negative seed",
        argv: ["explain", ...model, "--prompt", "p", "--seed", "-3"],
        code: 2,
        message: /--seed is out of range; expected an integer ≥ 0; received -3/,
    },
    {name: "negative top-logprobs", argv: ["generate", ...model, "--prompt", "p", "--top-logprobs", "-2"], code: 2, message: /--top-logprobs is out of range/},
    {
        name: "negative chain tokens",
        argv: ["check", "cot", ...scripted, "--dataset", arith, "--max-chain-tokens", "-10"],
        code: 2,
        message: /--max-chain-tokens is out of range.*received -10/,
    },
    {name: "negative port", argv: ["view", "--port", "-1"], code: 2, message: /--port is out of range; expected an integer from 0 to 65535; received -1/},
    {
        name: "negative exponent value",
        argv: ["generate", ...model, "--prompt", "p", "--temperature", "-1e3"],
        code: 2,
        message: /--temperature is out of range.*received -1000/,
    },
    {name: "port above range", argv: ["view", "--port", "70000"], code: 2, message: /--port is out of range.*received 70000/},
    {
        name: "rounds above range",
        argv: ["refine", ...scripted, "--dataset", arith, "--rounds", "11"],
        code: 2,
        message: /--rounds is out of range; expected an integer from 1 to 10/,
    },
    {
        name: "zero demonstrations",
        argv: ["check", "bias", ...scripted, "--dataset", arith, "--demonstrations", "0"],
        code: 2,
        message: /--demonstrations is out of range/,
    },
    {name: "zero limit", argv: ["runs", "list", "--limit", "0"], code: 2, message: /--limit is out of range; expected an integer ≥ 1; received 0/},
    {name: "zero budget", argv: ["explain", ...model, "--prompt", "p", "--budget", "0"], code: 2, message: /--budget is out of range/},
    {
        name: "zero integration steps",
        argv: ["explain", ...model, "--prompt", "p", "--method", "ig", "--steps", "0"],
        code: 2,
        message: /--steps is out of range; expected an integer ≥ 1; received 0/,
    },
    {
        name: "IG flag on another method",
        argv: ["explain", ...model, "--prompt", "p", "--method", "grad", "--baseline", "zero"],
        code: 2,
        message: /--baseline applies to --method ig only/,
    },
    {
        name: "unknown IG baseline",
        argv: ["explain", ...model, "--prompt", "p", "--method", "ig", "--baseline", "noise"],
        code: 2,
        message: /--baseline "noise" is not a baseline/,
    },
    {
        name: "white-box method on the scripted backend",
        argv: ["explain", ...scripted, "--prompt", "p", "--target", " x", "--method", "attnlrp"],
        code: 1,
        message:
            /AttnLRP needs the white-box engine .* which backend scripted:honest-explainer does not offer; expected a backend that runs the model in this process: a local GGUF file/,
    },
    {name: "demo seed negative", argv: ["demo", "--seed", "-1"], code: 2, message: /--seed is out of range/},
    {
        name: "integer given text",
        argv: ["generate", ...model, "--prompt", "p", "--max-tokens", "abc"],
        code: 2,
        message: /--max-tokens needs an integer.*received "abc"/,
    },
    {name: "integer given a fraction", argv: ["generate", ...model, "--prompt", "p", "--max-tokens", "1.5"], code: 2, message: /--max-tokens needs an integer/},
    {
        name: "number given nan",
        argv: ["generate", ...model, "--prompt", "p", "--temperature", "nan"],
        code: 2,
        message: /--temperature needs a number.*received "nan"/,
    },
    // Values: missing, flag-like, on booleans.
    {
        name: "value missing at the end",
        argv: ["generate", ...model, "--prompt", "p", "--max-tokens"],
        code: 2,
        message: /--max-tokens needs a value; expected N; received nothing/,
    },
    {
        name: "value that looks like a flag",
        argv: ["generate", ...model, "--prompt", "--json"],
        code: 2,
        message: /--prompt needs a value; expected TEXT; received "--json" \(a value that starts with "-" is written --prompt=--json\)/,
    },
    {
        name: "text value starting with a dash",
        argv: ["explain", ...model, "--prompt", "-oops"],
        code: 2,
        message: /--prompt needs a value; expected TEXT; received "-oops"/,
    },
    {
        name: "boolean given a value",
        argv: ["explain", ...model, "--prompt", "p", "--json=yes"],
        code: 2,
        message: /--json does not take a value; received "yes"/,
    },
    // A repeated single-value flag is an error naming the flag.
    {
        name: "model twice",
        argv: ["generate", "--model", "a.gguf", "--model", "b.gguf", "--prompt", "p"],
        code: 2,
        message: /--model is given more than once; received "a.gguf" and "b.gguf" \(give --model once\)/,
    },
    {
        name: "budget twice",
        argv: ["explain", ...model, "--prompt", "p", "--budget", "3", "--budget", "4"],
        code: 2,
        message: /--budget is given more than once/,
    },
    {
        name: "separator twice",
        argv: ["check", "cot", ...scripted, "--dataset", arith, "--separator", ",", "--separator", ";"],
        code: 2,
        message: /--separator is given more than once; received "," and ";"/,
    },
    {name: "db twice", argv: ["runs", "list", "--db", "a.db", "--db", "b.db"], code: 2, message: /--db is given more than once/},
    // Unknown flags, with "did you mean" when one is close.
    {name: "misspelt --model", argv: ["generate", "--modle", "x"], code: 2, message: /glassbox generate has no flag --modle; did you mean --model\?/},
    {name: "misspelt --budget", argv: ["explain", ...model, "--prompt", "p", "--buget", "5"], code: 2, message: /has no flag --buget; did you mean --budget\?/},
    {name: "singular --max-chain-token", argv: ["check", "cot", "--max-chain-token", "5"], code: 2, message: /did you mean --max-chain-tokens\?/},
    {name: "misspelt --json", argv: ["runs", "list", "--jsn"], code: 2, message: /did you mean --json\?/},
    {name: "swapped letters in --port", argv: ["view", "--prot", "80"], code: 2, message: /did you mean --port\?/},
    {
        name: "unknown flag without a near name",
        argv: ["explain", "--zzzzzz"],
        code: 2,
        message: /glassbox explain has no flag --zzzzzz \(see glassbox explain --help\)/,
        absent: /did you mean/,
    },
    {name: "unknown short flag", argv: ["generate", "-x"], code: 2, message: /glassbox generate has no flag -x/},
    // Choices.
    {
        name: "unit not a choice",
        argv: ["explain", ...model, "--prompt", "p", "--unit", "clause"],
        code: 2,
        message: /--unit does not accept "clause"; expected one of token, word/,
    },
    {
        name: "method near a choice",
        argv: ["explain", ...model, "--prompt", "p", "--method", "shapely"],
        code: 2,
        message: /--method does not accept "shapely"; did you mean "shapley"\?/,
    },
    {
        name: "protocol near a choice",
        argv: ["check", "self-explanation", ...scripted, "--dataset", arith, "--protocol", "lists"],
        code: 2,
        message: /did you mean "list"\?/,
    },
    {name: "export format", argv: ["runs", "export", "1", "--format", "xml"], code: 2, message: /--format does not accept "xml"; expected one of json, csv/},
    {name: "extractor near a choice", argv: ["compare", ...scripted, "--tuned", "x", "--extract", "boxd"], code: 2, message: /did you mean "boxed"\?/},
    {name: "removal not a choice", argv: ["explain", ...model, "--prompt", "p", "--removal", "drop"], code: 2, message: /--removal does not accept "drop"/},
    // Command groups list their subcommands; near misses get a suggestion.
    {name: "check alone", argv: ["check"], code: 2, message: /check needs a subcommand[^]*self-explanation[^]*counterfactual[^]*cot[^]*bias/},
    {name: "runs alone", argv: ["runs"], code: 2, message: /runs needs a subcommand[^]*list[^]*show[^]*export/},
    {name: "analyze alone", argv: ["analyze"], code: 2, message: /analyze needs a subcommand[^]*subthoughts[^]*confidence/},
    {name: "bench alone", argv: ["bench"], code: 2, message: /bench needs a subcommand[^]*validity/},
    {name: "check --help lists subcommands", argv: ["check", "--help"], code: 0, message: /subcommands:[^]*self-explanation/},
    {name: "near-miss subcommand", argv: ["check", "cott"], code: 2, message: /check has no subcommand "cott"; did you mean "check cot"\?/},
    {name: "near-miss runs subcommand", argv: ["runs", "lst"], code: 2, message: /did you mean "runs list"\?/},
    {name: "near-miss command", argv: ["explian"], code: 2, message: /unknown command "explian"; did you mean "explain"\?/},
    {name: "near-miss group and subcommand", argv: ["chek", "cot"], code: 2, message: /did you mean "check cot"\?/},
    {name: "unknown command", argv: ["frobnicate"], code: 2, message: /unknown command "frobnicate" \(run glassbox --help/, absent: /did you mean/},
    // Required flags and arguments.
    {name: "explain without --model", argv: ["explain", "--prompt", "hi"], code: 2, message: /glassbox explain needs --model PATH\.gguf/},
    {name: "score without --target", argv: ["score", ...model, "--prompt", "hi"], code: 2, message: /glassbox score needs --target TEXT/},
    {name: "compare without --tuned", argv: ["compare", ...scripted, "--dataset", arith], code: 2, message: /glassbox compare needs --tuned PATH\.gguf/},
    {name: "amplify without --train", argv: ["amplify", ...scripted, "--dataset", arith], code: 2, message: /glassbox amplify needs --train FILE\.jsonl/},
    {name: "serve without --model", argv: ["serve"], code: 2, message: /glassbox serve needs --model PATH\.gguf/},
    {name: "report without a file", argv: ["report"], code: 2, message: /glassbox report is missing RESULT\.json/},
    {name: "runs show without an id", argv: ["runs", "show"], code: 2, message: /glassbox runs show is missing RUN_ID/},
    {
        name: "check without a dataset",
        argv: ["check", "cot", ...scripted],
        code: 2,
        message: /glassbox check cot needs --dataset FILE\.jsonl or --input FILE\.json/,
    },
    {name: "blank --model", argv: ["generate", "--model", " ", "--prompt", "p"], code: 2, message: /glassbox generate needs --model PATH\.gguf; received " "/},
    // Flags that exclude each other.
    {name: "prompt and input", argv: ["explain", ...model, "--prompt", "a", "--input", missingFile], code: 2, message: /takes --prompt or --input, not both/},
    {
        name: "prompt and messages",
        argv: ["generate", ...model, "--prompt", "a", "--messages", missingFile],
        code: 2,
        message: /takes --prompt or --messages, not both/,
    },
    {
        name: "json and out",
        argv: ["explain", ...model, "--prompt", "a b", "--json", "--out", "x.json"],
        code: 2,
        message: /--json and --out do not go together/,
    },
    {
        name: "dataset and input",
        argv: ["check", "cot", ...scripted, "--dataset", arith, "--input", missingFile],
        code: 2,
        message: /takes --dataset or --input, not both/,
    },
    // Hints name the flag actually at fault.
    {
        name: "a missing --tuned model",
        argv: ["compare", ...scripted, "--tuned", missingModel, "--dataset", arith],
        code: 1,
        message: /model file .*absent\.gguf does not exist.*set with --tuned\)/,
        absent: /--model/,
    },
    {
        name: "a bad --tuned scheme",
        argv: ["compare", ...scripted, "--tuned", "bogus:x", "--dataset", arith],
        code: 2,
        message: /model spec: unknown backend "bogus:".*set with --tuned\)/,
    },
    {
        name: "a missing --proxy model",
        argv: ["amplify", ...scripted, "--proxy", missingModel, "--train", arith, "--dataset", arith],
        code: 1,
        message: /does not exist.*set with --proxy\)/,
        absent: /--model/,
    },
    {
        name: "a missing --paraphrase-model",
        argv: ["check", "cot", ...scripted, "--paraphrase-model", missingModel, "--dataset", arith],
        code: 1,
        message: /does not exist.*set with --paraphrase-model\)/,
        absent: /--model/,
    },
    {
        name: "a missing --model",
        argv: ["explain", ...model, "--prompt", "a b"],
        code: 1,
        message: /model file .*absent\.gguf does not exist.*set with --model\)/,
    },
    {
        name: "an unknown scripted model",
        argv: ["check", "counterfactual", "--model", "scripted:nobody", "--dataset", arith],
        code: 2,
        message: /unknown scripted model "scripted:nobody".*set with --model\)/,
    },
    {
        name: "budget below the minimum exits 2",
        argv: ["explain", ...model, "--prompt", "one two three four five", "--method", "exact", "--budget", "5"],
        code: 2,
        message: /budget 5 is too small for exact with 5 units: the minimum is 32.*set with --budget\)/,
    },
    {
        name: "a unit the input lacks",
        argv: ["explain", ...model, "--prompt", "a b", "--unit", "document"],
        code: 2,
        message: /unit document needs an input with documents.*set with --unit\)/,
    },
    {
        name: "a malformed rationale",
        argv: ["explain", ...model, "--prompt", "a b", "--rationale", "x-y"],
        code: 2,
        message: /the rationale has a malformed span "x-y".*set with --rationale\)/,
    },
    // Binary files are named, never printed.
    {
        name: "a GGUF as a result file",
        argv: ["report", gguf, "--out", join(folder, "r.html")],
        code: 2,
        message: /result file .*model\.gguf is binary, not text \(it looks like a GGUF model file\)/,
    },
    {name: "a GGUF to view", argv: ["view", gguf], code: 2, message: /is binary, not text \(it looks like a GGUF model file\)/},
    {name: "a GGUF as --input", argv: ["explain", ...model, "--input", gguf], code: 2, message: /--input file .* is binary, not text/},
    {name: "a GGUF as --messages", argv: ["generate", ...model, "--messages", gguf], code: 2, message: /--messages file .* is binary, not text/},
    {name: "a GGUF as --dataset", argv: ["check", "cot", ...scripted, "--dataset", gguf], code: 2, message: /--dataset file .* is binary, not text/},
    {
        name: "undecodable bytes as a result file",
        argv: ["report", noise, "--out", join(folder, "n.html")],
        code: 2,
        message: /result file .*noise\.json is binary, not text; expected a JSON file/,
    },
    {name: "a folder as a result file", argv: ["report", subfolder, "--out", join(folder, "f.html")], code: 2, message: /result file .* is a folder/},
    {
        name: "a missing result file",
        argv: ["report", missingFile, "--out", join(folder, "m.html")],
        code: 2,
        message: /result file .*absent\.json does not exist/,
    },
    // --messages files.
    {
        name: "messages with an unknown field",
        argv: ["generate", ...model, "--messages", messagesExtra],
        code: 2,
        message: /message 0 has an unknown field "name"/,
    },
    {name: "messages list empty", argv: ["generate", ...model, "--messages", messagesEmpty], code: 2, message: /has no messages/},
    {name: "messages file missing", argv: ["generate", ...model, "--messages", missingFile], code: 2, message: /--messages file .* does not exist/},
    // Values checked by the commands themselves.
    {name: "k of zero", argv: ["compare", ...scripted, "--tuned", "x", "--k", "0"], code: 2, message: /--k must list positive integers/},
    {name: "k above samples", argv: ["compare", ...scripted, "--tuned", "x", "--k", "4", "--samples", "2"], code: 2, message: /--k 4 exceeds --samples 2/},
    {name: "budgets below two", argv: ["bench", "validity", "--budgets", "1"], code: 2, message: /--budgets must be a comma-separated list of integers ≥ 2/},
    {
        name: "model mistakes without a model",
        argv: ["check", "cot", ...scripted, "--dataset", arith, "--mistakes", "model"],
        code: 2,
        message: /--mistakes model needs --mistake-model/,
    },
    {
        name: "a reversed mistake range",
        argv: ["check", "cot", ...scripted, "--dataset", arith, "--mistake-range", "5..1"],
        code: 2,
        message: /--mistake-range expects LOW\.\.HIGH/,
    },
    {name: "no cue words", argv: ["analyze", "subthoughts", ...scripted, "--dataset", arith, "--cues", ","], code: 2, message: /--cues lists no cue words/},
    {name: "an empty target", argv: ["score", ...model, "--prompt", "p", "--target", "  "], code: 2, message: /the target is only whitespace/},
    {name: "a missing run store", argv: ["runs", "list", "--db", join(folder, "none.db")], code: 2, message: /no run store at .*none\.db/},
    {name: "a folder as the run store", argv: ["view", "--db", subfolder], code: 2, message: /--db .* is a folder/},
    {
        name: "serving on all addresses without a token",
        argv: ["serve", ...model, "--host", "0.0.0.0"],
        code: 2,
        message: /refusing to serve on 0\.0\.0\.0 without a bearer token/,
    },
    // Help text: each default once, string defaults quoted.
    {
        name: "view help states its port default once",
        argv: ["view", "--help"],
        code: 0,
        message: /--port N +Port; 0 picks a free one\. Default: 8770\./,
        absent: /Default: 8770[^]*Default: 8770/,
    },
    {
        name: "check cot help quotes string defaults",
        argv: ["check", "cot", "--help"],
        code: 0,
        message: /--filler-unit TEXT +Filler repeated to the chain's length\. Default: " \.\.\."\./,
    },
    {name: "explain help quotes the placeholder default", argv: ["explain", "--help"], code: 0, message: /Default: "\.\.\."\./},
    {name: "--quiet is listed", argv: ["score", "--help"], code: 0, message: /-q, --quiet +No progress output on stderr\./},
];

const stackFrame = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;
// eslint-disable-next-line no-control-regex
const controlBytes = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("bad flags and arguments: one clear line, the right exit code, the flag at fault", {concurrency: 4}, () => {
    test("the battery has at least 60 rows, each named once", () => {
        assert.ok(rows.length >= 60, `${rows.length} rows`);
        assert.equal(new Set(rows.map((row) => row.name)).size, rows.length);
    });
    for (const row of rows) {
        test(`${row.name}: glassbox ${row.argv.join(" ")}`, async () => {
            const result = await runCli(row.argv, {cwd: undefined, env: {GLASSBOX_SERVE_TOKEN: ""}});
            const output = row.code === 0 ? result.stdout + result.stderr : result.stderr;
            assert.equal(result.signal, null, "ended by a signal");
            assert.equal(result.code, row.code, `exit code; stderr: ${result.stderr}`);
            assert.match(output, row.message);
            if (row.absent !== undefined) assert.doesNotMatch(output, row.absent);
            assert.doesNotMatch(result.stdout + result.stderr, stackFrame, "a stack trace");
            assert.doesNotMatch(result.stdout + result.stderr, controlBytes, "control bytes");
            if (row.code !== 0) {
                assert.match(result.stderr, /^glassbox: /);
                assert.equal(result.stdout, "", "nothing on stdout");
            }
        });
    }
});
