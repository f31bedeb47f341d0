// The values of `bedrockLlama.routing` and the task keys of `bedrockLlama.taskModels`: kept
// apart from routing.ts so the settings validator (in the activation bundle) does not carry
// the routing rules and their price lookups.
export const ROUTING_MODES = ['off', 'auto'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** What a request is for: the keys of `bedrockLlama.taskModels`. */
export const ROUTE_TASKS = ['summarize', 'explain', 'ask', 'chat', 'batch'] as const;
export type RouteTask = (typeof ROUTE_TASKS)[number];
