// The goperf kernel behind Jupyter Enterprise Gateway: `jupyter enterprisegateway` (pinned, in
// .venv-gateway) on 127.0.0.1 launches the kernelspec `node install.js --gateway` wrote, and a Jupyter
// Server started with --gateway-url sends every kernel request there (gateway.ts). The same suite as
// the local server runs through it (serversuite.ts): cells, %escape, %bench, interrupt, restart,
// shutdown; a failing test shows the gateway's log.

import { freshDir, startJupyter } from "./helpers.js";
import { gatewayServerArgs, gatewayServerEnv, startGateway } from "./gateway.js";
import { describeJupyterServer } from "./serversuite.js";

describeJupyterServer("Jupyter Server → Enterprise Gateway → goperf", async () => {
  const gateway = await startGateway();
  try {
    const server = await startJupyter("server", freshDir("gateway-server-root"), gatewayServerArgs(gateway), gatewayServerEnv());
    return { server, stopBehind: () => gateway.stop(), logs: () => `Enterprise Gateway's log:\n${gateway.log().slice(-4000)}` };
  } catch (err) {
    await gateway.stop();
    throw err;
  }
});
