/**
 * Writes organisms/lookup-chat.gguf from organisms/lookup.gguf (see src/organisms/chat-organism.ts)
 * and prints its size and SHA-256. Deterministic: the same lookup.gguf gives the same bytes.
 *
 *   node --import tsx scripts/make-chat-organism.ts [--out DIR]
 */
import {createHash} from "node:crypto";
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {chatOrganism, chatOrganismName, chatOrganismPath, chatTemplate} from "../src/organisms/chat-organism.js";
import {parseOrganismGguf} from "../src/organisms/gguf-parse.js";
import {ggufBytes} from "../src/organisms/gguf-writer.js";
import {organismPath} from "../src/organisms/registry.js";

function main(): void {
    const args = process.argv.slice(2);
    if (args.length !== 0 && (args.length !== 2 || args[0] !== "--out")) throw new Error("usage: make-chat-organism.ts [--out DIR]");
    const path = args[1] === undefined ? chatOrganismPath() : join(args[1], `${chatOrganismName}.gguf`);
    const model = chatOrganism(parseOrganismGguf(readFileSync(organismPath("lookup"))));
    const bytes = ggufBytes(model, {chatTemplate});
    writeFileSync(path, bytes);
    console.log(
        JSON.stringify({
            organism: chatOrganismName,
            path,
            vocabulary: model.vocabulary.size,
            bytes: bytes.length,
            sha256: createHash("sha256").update(bytes).digest("hex"),
        }),
    );
}

try {
    main();
} catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
}
