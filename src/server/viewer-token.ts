/**
 * A token gate for `glassbox view` on a non-loopback address (as `glassbox serve` has). A request
 * passes with `Authorization: Bearer TOKEN`, or with the cookie a browser receives after opening
 * any page once with `?token=TOKEN` (answered by a redirect to the same page without it).
 */
import {timingSafeEqual} from "node:crypto";
import type {ViewerHandler} from "./viewer-api.js";

const cookieName = "glassbox_view_token";

export function requireViewerToken(handler: ViewerHandler, token: string): ViewerHandler {
    const expected = Buffer.from(token);
    const matches = (given: string | undefined | null): boolean => {
        if (given === undefined || given === null) return false;
        const bytes = Buffer.from(given);
        return bytes.length === expected.length && timingSafeEqual(bytes, expected);
    };
    return async (request) => {
        const url = new URL(request.url);
        if (matches(url.searchParams.get("token"))) {
            url.searchParams.delete("token");
            return new Response(null, {
                status: 303,
                headers: {
                    "location": `${url.pathname}${url.search}`,
                    "set-cookie": `${cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
                    "cache-control": "no-store",
                },
            });
        }
        const bearer = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
        if (matches(bearer) || matches(readCookie(request.headers.get("cookie"), cookieName))) return handler(request);
        return new Response(
            JSON.stringify({
                error: {
                    code: "unauthorized",
                    message: "this viewer needs its token: open the address with ?token=TOKEN once, or send Authorization: Bearer TOKEN",
                },
            }),
            {
                status: 401,
                headers: {"content-type": "application/json; charset=utf-8", "www-authenticate": "Bearer", "cache-control": "no-store"},
            },
        );
    };
}

function readCookie(header: string | null, name: string): string | undefined {
    if (header === null) return undefined;
    for (const part of header.split(";")) {
        const [key, ...value] = part.trim().split("=");
        if (key === name) {
            try {
                return decodeURIComponent(value.join("="));
            } catch {
                return undefined;
            }
        }
    }
    return undefined;
}
