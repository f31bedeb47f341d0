// Runs the extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) and prints
// the address to open. By default the extension talks to the local Bedrock-compatible
// test server (offline, throwaway credentials); with --aws it uses your AWS credentials
// and region as the AWS SDK finds them. State is throwaway and removed on exit.
//
//   npm run vscode [-- --aws] [-- --smoke]
//   --smoke: open the workbench once in headless Chromium, wait for the extension's status
//            bar meter, save a screenshot, and exit (a check that the set-up works).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BedrockTestServer } from '../../test/server/bedrockServer';
import {
  createSandbox, ensureCodeServer, launchBrowser, remoteUri, ROOT, run, startCodeServer, stopAll, workbenchUrl, writeMachineSettings,
} from './codeServer';

const useAws = process.argv.includes('--aws');
const smoke = process.argv.includes('--smoke');

async function main(): Promise<void> {
  const bin = ensureCodeServer();
  run('node', ['scripts/build.mjs']);
  const sandbox = createSandbox('dev');

  let env: Record<string, string> = {};
  let bedrock: BedrockTestServer | undefined;
  if (useAws) {
    // Hand the user's own AWS set-up to the extension host (isolatedEnv drops AWS_* otherwise).
    const home = os.homedir();
    env = {
      AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'false',
      AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '',
    };
    for (const [key, value] of Object.entries(process.env)) if (key.startsWith('AWS_') && value !== undefined) env[key] = value;
    for (const key of Object.keys(env)) if (env[key] === '') delete env[key];
  } else {
    bedrock = new BedrockTestServer({ log: smoke ? undefined : (line) => console.log(`[local bedrock] ${line}`) });
    // Machine settings: `endpoint` is machine-scoped, which code-server's remote window reads from there.
    writeMachineSettings(sandbox, { 'bedrockLlama.endpoint': (await bedrock.start()).url });
  }

  const server = await startCodeServer(bin, sandbox, env);
  const url = workbenchUrl(server, sandbox, [['extensionDevelopmentPath', remoteUri(server, ROOT)]]);

  if (smoke) {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.part.statusbar .statusbar-item', { hasText: /^Llama .* tok/ }).waitFor({ timeout: 60_000 });
    const shot = path.join(ROOT, 'test-results', 'screenshots', 'dev-smoke.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    console.log(`vscode: the workbench is up with the extension's status bar item; screenshot ${path.relative(ROOT, shot)}`);
    return;
  }

  console.log(`\nVS Code 1.100.3 with Llama on Bedrock loaded from ${ROOT}`);
  console.log(useAws ? 'Requests go to Amazon Bedrock with your AWS credentials.' : `Requests go to the local Bedrock-compatible server at ${bedrock?.url} (offline).`);
  console.log(`\nOpen: ${url}\n\nPress Ctrl+C to stop.`);
  await new Promise(() => undefined); // until a signal; codeServer.ts stops every process it started
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    process.exit(); // the local server keeps the loop alive; 'exit' removes the sandbox
  });
