/** workspaceState key of the batch jobs Summarize Files… started (its own file: activation reads it, and nothing else of the batch code). */
export const TRACKED_JOBS_KEY = 'bedrockLlama.batchJobs';
