/** The servers' command lines: nothing is served to the network without a token. */
import {runBattery, type BatteryCase} from "../helpers/battery.js";
import {sharedModel} from "../helpers/models.js";

const noToken = {GLASSBOX_VIEW_TOKEN: "", GLASSBOX_SERVE_TOKEN: "", EMPTY_TOKEN: ""};

const cases: BatteryCase[] = [
    {
        name: "view on 0.0.0.0 without a token",
        args: ["view", "--host", "0.0.0.0", "--port", "0"],
        env: noToken,
        code: 2,
        message: "refusing to serve the runs on 0.0.0.0 without a token; expected a token in the environment variable GLASSBOX_VIEW_TOKEN",
    },
    {
        name: "view on a LAN address without a token",
        args: ["view", "--host", "192.168.1.20", "--port", "0", "--db", "{dir}/runs.db"],
        env: noToken,
        code: 2,
        message: "without a token",
    },
    {
        name: "view with an empty --token-env variable",
        args: ["view", "--host", "0.0.0.0", "--token-env", "EMPTY_TOKEN"],
        env: noToken,
        code: 2,
        message: "environment variable EMPTY_TOKEN",
    },
    {
        name: "serve on 0.0.0.0 without a token",
        args: ["serve", "--model", sharedModel("stories260K.gguf"), "--host", "0.0.0.0", "--port", "0"],
        env: noToken,
        code: 2,
        message: "refusing to serve on 0.0.0.0 without a bearer token",
    },
    {
        name: "serve with a context beyond the trained one",
        args: ["serve", "--model", sharedModel("stories260K.gguf"), "--port", "0", "--context-size", "4096"],
        code: 2,
        message: "--context-size 4096 is beyond the 2048-token context stories260K.gguf was trained with",
    },
    {name: "serve without a model", args: ["serve", "--port", "0"], code: 2, message: "needs --model"},
];

runBattery("servers", cases);
