// Export Usage: the whole kept history (a year of day totals, by model and task for 90 days)
// as CSV or JSON, written where the user chooses. A failed write is said in a notification
// with the file and the reason, and returned so the view can say it too.
import * as vscode from 'vscode';
import { dayKey, type UsageLedger } from '../core/usage';
import { toCsv, toJson } from '../core/usageExport';
import { buildUsageReport } from '../core/usageReport';
import type { ExportFormat } from '../shared/usageProtocol';

export interface ExportResult {
  ok: boolean;
  message: string;
  /** Where it was written (or was to be). */
  uri?: vscode.Uri;
}

/**
 * @param target where to write; without it a save dialog asks. Resolves undefined when the
 *   dialog was cancelled.
 */
export async function exportUsage(ledger: UsageLedger, format: ExportFormat, target?: vscode.Uri): Promise<ExportResult | undefined> {
  const now = new Date();
  const uri = target ?? await vscode.window.showSaveDialog({
    title: `Export Llama Usage as ${format.toUpperCase()}`,
    saveLabel: 'Export',
    defaultUri: defaultLocation(`llama-usage-${dayKey(now)}.${format}`),
    filters: format === 'csv' ? { 'CSV (comma-separated values)': ['csv'] } : { JSON: ['json'] },
  });
  if (!uri) return undefined;
  const report = buildUsageReport(ledger, now, 'all');
  const where = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  try {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(format === 'csv' ? toCsv(report) : toJson(report)));
    return { ok: true, message: `Exported the usage to ${where}`, uri };
  } catch (err) {
    const message = `Could not export the usage to ${where}: ${reason(err)}`;
    void vscode.window.showErrorMessage(message);
    return { ok: false, message, uri };
  }
}

function defaultLocation(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}

function reason(err: unknown): string {
  if (err instanceof vscode.FileSystemError) {
    switch (err.code) {
      case 'FileNotFound': return 'its folder does not exist';
      case 'FileIsADirectory': return 'that is a folder';
      case 'NoPermissions': return 'permission denied';
    }
  }
  return err instanceof Error ? err.message : String(err);
}
