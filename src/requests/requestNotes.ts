// What a request adjusted on the user's behalf, told once per window and model: latency-
// optimized inference not offered (sent as standard), a service tier refused (sent as default),
// a `taskModels` entry not usable (the selected model answered).
import * as vscode from 'vscode';
import type { RequestNote } from '../core/request/runRequest';

export class RequestNotes {
  private readonly told = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  tell(note: RequestNote): void {
    const key = `${note.kind}|${note.modelId}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    const message = messageFor(note);
    this.log.info(message);
    void vscode.window.showInformationMessage(message, 'Open Settings').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', SETTING[note.kind]);
    });
  }
}

const SETTING: Record<RequestNote['kind'], string> = {
  latencyStandard: 'bedrockLlama.latency',
  tierFallback: 'bedrockLlama.serviceTier',
  routeSkipped: 'bedrockLlama.taskModels',
};

function messageFor(note: RequestNote): string {
  switch (note.kind) {
    case 'latencyStandard':
      return `Llama: latency-optimized inference is not offered for ${note.modelId}${note.region ? ` in ${note.region}` : ''}, so requests go as standard (offered for Llama 3.1 70B and 405B in us-east-2).`;
    case 'tierFallback':
      return `Llama: ${note.modelId} does not take the ${note.refused} service tier, so the request went with the default tier.`;
    case 'routeSkipped':
      return `Llama: ${note.message}`;
  }
}
