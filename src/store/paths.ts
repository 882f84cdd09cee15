/** Where the run store lives by default: $XDG_DATA_HOME/glassbox/runs.db, else ~/.local/share/glassbox/runs.db. */
import {homedir} from "node:os";
import {join} from "node:path";

export function defaultRunStorePath(environment: NodeJS.ProcessEnv = process.env): string {
    const dataHome =
        environment.XDG_DATA_HOME !== undefined && environment.XDG_DATA_HOME !== ""
            ? environment.XDG_DATA_HOME
            : join(environment.HOME ?? homedir(), ".local", "share");
    return join(dataHome, "glassbox", "runs.db");
}
