// Process entry: load config (a bad value stops here, naming the variable), start the app, stop it on signals.
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const app = createApp(config);
const stopOn = (signal: NodeJS.Signals) =>
  process.once(signal, () => {
    app.stop(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
stopOn("SIGTERM");
stopOn("SIGINT");

try {
  await app.start();
} catch (err) {
  app.logger.fatal({ err }, "start-up failed");
  await app.stop("start-up failed");
  process.exit(1);
}
