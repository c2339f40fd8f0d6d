import { expect } from "chai";
import { readFileSync } from "node:fs";
import { DELIMITER, Signer, decode, encode, newHeader } from "../../kernel/wire.js";
import { fixture } from "../helpers/paths.js";

const captured = JSON.parse(readFileSync(fixture("wire/execute_request.json"), "utf8")) as { key: string; frames: string[] };
const frames = () => captured.frames.map((f) => Buffer.from(f));

describe("wire", () => {
  it("decodes and verifies a message signed by another implementation", () => {
    const result = decode(frames(), new Signer(captured.key));
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.message.identities.map(String)).to.deep.equal(["router-id-1"]);
    expect(result.message.header.msg_type).to.equal("execute_request");
    expect(result.message.metadata).to.deep.equal({ cellId: "c-1" });
    expect(result.message.content.code).to.equal('fmt.Println("hi")');
  });

  it("drops a message whose signature does not verify", () => {
    const forged = frames();
    forged[6] = Buffer.from(JSON.stringify({ code: "os.RemoveAll(\"/\")", silent: false }));
    const result = decode(forged, new Signer(captured.key));
    expect(result).to.deep.equal({ ok: false, reason: "signature does not verify" });
  });

  it("drops a message signed with another key, or unsigned when a key is set", () => {
    expect(decode(frames(), new Signer("another key")).ok).to.equal(false);
    const unsigned = frames();
    unsigned[2] = Buffer.from("");
    expect(decode(unsigned, new Signer(captured.key)).ok).to.equal(false);
  });

  it("accepts unsigned messages when the key is empty", () => {
    const unsigned = frames();
    unsigned[2] = Buffer.from("");
    expect(decode(unsigned, new Signer("")).ok).to.equal(true);
  });

  it("names what is wrong with malformed frame sets", () => {
    const signer = new Signer("");
    expect(decode([Buffer.from("x")], signer)).to.deep.equal({ ok: false, reason: "no <IDS|MSG> delimiter" });
    expect(decode(frames().slice(0, 5), signer).ok).to.equal(false);
    const badJson = frames();
    badJson[6] = Buffer.from("{not json");
    const r = decode(badJson, signer);
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.reason).to.match(/^bad JSON/);
    const noType = frames();
    noType[3] = Buffer.from("{}");
    expect(decode(noType, signer)).to.deep.equal({ ok: false, reason: "header lacks msg_type or msg_id" });
  });

  it("signs what it encodes so that it verifies, with routing ids first", () => {
    const signer = new Signer("k");
    const header = newHeader("kernel_info_reply", "s");
    const out = encode({ identities: [Buffer.from("id")], header, parent_header: {}, metadata: {}, content: { status: "ok" } }, signer);
    expect(out[1].toString()).to.equal(DELIMITER);
    expect(out[2].toString()).to.match(/^[0-9a-f]{64}$/);
    const back = decode(out, signer);
    expect(back.ok && back.message.content).to.deep.equal({ status: "ok" });
  });

  it("gives every header a fresh msg_id and an ISO date", () => {
    const a = newHeader("status", "s");
    const b = newHeader("status", "s");
    expect(a.msg_id).to.not.equal(b.msg_id);
    expect(new Date(a.date).toISOString()).to.equal(a.date);
    expect(a.version).to.equal("5.3");
  });
});
