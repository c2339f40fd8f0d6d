// A real local Jupyter Server, driven through @jupyterlab/services: the shared suite (serversuite.ts).
import { freshDir, startJupyter } from "./helpers.js";
import { describeJupyterServer } from "./serversuite.js";

describeJupyterServer("Jupyter Server through @jupyterlab/services", async () => ({ server: await startJupyter("server", freshDir("server-root")) }));
