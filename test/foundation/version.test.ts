import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {test} from "node:test";
import {glassboxVersion} from "../../src/foundation/version.js";

test("the version constant equals package.json's version", () => {
    const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {version: string};
    assert.equal(glassboxVersion, packageJson.version);
});
