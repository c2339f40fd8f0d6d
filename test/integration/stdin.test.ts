// A program's standard input over the real kernel's stdin channel (ZeroMQ): lines through
// input_request when the execute_request allows stdin, end of file (said once) when it does not,
// and an interrupt while the program waits.
import { expect } from "chai";
import { setTimeout as delay } from "node:timers/promises";
import { KernelClient, streamText } from "../../kernel/client/client.js";
import { errorOf } from "../helpers/outputs.js";

const TWO_LINES = 'var a, b string\nfmt.Scanln(&a)\nfmt.Scanln(&b)\nfmt.Println(a + "+" + b)';

describe("stdin (real kernel)", function () {
  this.timeout(120_000);
  let k: KernelClient;
  before(async () => {
    k = await KernelClient.launch();
  });
  after(async () => {
    await k?.close();
  });

  it("gives a reading program the front end's lines through input_request", async () => {
    const answers = ["alpha", "beta"];
    const prompts: string[] = [];
    const x = await k.execute(TWO_LINES, { onInput: (p) => (prompts.push(p), answers.shift()!) });
    expect(x.reply.content.status).to.equal("ok");
    expect(streamText(x, "stdout")).to.equal("alpha+beta\n");
    expect(prompts).to.have.length(2);
  });

  it("without allow_stdin the program reads end of file, and the cell says so once", async () => {
    const x = await k.execute(TWO_LINES);
    expect(x.reply.content.status).to.equal("ok");
    expect(streamText(x, "stdout")).to.equal("+\n");
    expect(streamText(x, "stderr").match(/allows no input/g)).to.have.length(1);
  });

  it("a program waiting for input is interrupted, and the next cell works", async () => {
    let asked = false;
    const running = k.execute("var s string\nfmt.Scanln(&s)\nfmt.Println(\"read\", s)", {
      onInput: () => {
        asked = true;
        return new Promise<string>(() => undefined); // the reader never answers
      },
    });
    for (let i = 0; i < 200 && !asked; i++) await delay(50);
    expect(asked).to.equal(true);
    await k.request("control", "interrupt_request", {});
    const x = await running;
    expect(errorOf(x).ename).to.match(/Interrupt/i);
    expect(streamText(x, "stdout")).to.not.include("read");
    expect(streamText(await k.execute('fmt.Println("after")'), "stdout")).to.equal("after\n");
  });
});
