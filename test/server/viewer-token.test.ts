import assert from "node:assert/strict";
import {test} from "node:test";
import {requireViewerToken} from "../../src/server/viewer-token.js";

const inner = async (): Promise<Response> => new Response("runs", {status: 200});
const gated = requireViewerToken(inner, "s3cret");

test("the view token gate: bearer or cookie pass, ?token= sets the cookie, anything else is 401", async () => {
    assert.equal((await gated(new Request("http://h/api/runs"))).status, 401);
    assert.equal((await gated(new Request("http://h/api/runs", {headers: {authorization: "Bearer wrong"}}))).status, 401);
    assert.equal((await gated(new Request("http://h/api/runs?token=wrong"))).status, 401);
    const bearer = await gated(new Request("http://h/api/runs", {headers: {authorization: "Bearer s3cret"}}));
    assert.equal(await bearer.text(), "runs");
    const redirect = await gated(new Request("http://h/runs/3?x=1&token=s3cret"));
    assert.equal(redirect.status, 303);
    assert.equal(redirect.headers.get("location"), "/runs/3?x=1");
    assert.match(redirect.headers.get("set-cookie") ?? "", /^glassbox_view_token=s3cret; HttpOnly; SameSite=Strict; Path=\//);
    const cookie = await gated(new Request("http://h/runs/3", {headers: {cookie: "a=b; glassbox_view_token=s3cret"}}));
    assert.equal(cookie.status, 200);
    const denied = await gated(new Request("http://h/", {headers: {cookie: "glassbox_view_token=nope"}}));
    assert.match(await denied.text(), /needs its token/);
});
