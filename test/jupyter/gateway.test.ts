// The goperf kernel behind Jupyter Enterprise Gateway: `jupyter enterprisegateway` (pinned, in
// .venv-gateway) on 127.0.0.1 launches the kernelspec `node install.js --gateway` wrote, and a Jupyter
// Server started with --gateway-url sends every kernel request there (gateway.ts). The same suite as
// the local server runs through it (serversuite.ts): cells, %escape, %bench, interrupt, restart,
// shutdown; a failing test shows the gateway's log. A server whose gateway is down answers with an
// error that names it, at once.

import { expect } from "chai";
import { freePort, freshDir, goperfKernels, startJupyter, type JupyterServer } from "./helpers.js";
import { gatewayServerArgs, gatewayServerEnv, startGateway } from "./gateway.js";
import { describeJupyterServer } from "./serversuite.js";

describeJupyterServer("Jupyter Server → Enterprise Gateway → goperf", async () => {
  const gateway = await startGateway();
  try {
    const server = await startJupyter("server", freshDir("gateway-server-root"), gatewayServerArgs(gateway), { env: gatewayServerEnv() });
    return { server, stopBehind: () => gateway.stop(), logs: () => `Enterprise Gateway's log:\n${gateway.log().slice(-4000)}` };
  } catch (err) {
    await gateway.stop();
    throw err;
  }
});

describe("Jupyter Server → an unreachable gateway", function () {
  this.timeout(90_000);
  let server: JupyterServer | undefined;
  let gatewayUrl = "";

  before(async function () {
    // A port nothing listens on: the gateway is down.
    gatewayUrl = `http://127.0.0.1:${await freePort()}`;
    server = await startJupyter("server", freshDir("gateway-down-root"), [`--gateway-url=${gatewayUrl}`, "--GatewayClient.request_timeout=20"], {
      readyPath: "api",
    });
  });

  after(async function () {
    await server?.stop();
  });

  it("starting a session fails with an error naming the gateway, and no kernel starts", async () => {
    const r = await fetch(`${server!.url}api/sessions`, {
      method: "POST",
      headers: { Authorization: `token ${server!.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ path: "down.ipynb", type: "notebook", name: "down.ipynb", kernel: { name: "goperf" } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    expect(r.ok, text).to.equal(false);
    expect(text).to.contain(gatewayUrl);
    expect(text).to.contain("Check to be sure the Gateway instance is running");
    expect(goperfKernels()).to.deep.equal([]);
  });
});
