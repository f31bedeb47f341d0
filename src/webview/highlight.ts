// Syntax highlighting for code blocks in answers: highlight.js core with the languages
// answers use most, so the webview bundle stays small. Unknown languages stay plain.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = { bash, cpp, diff, go, java, javascript, json, python, rust, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
// VS Code language ids that are not highlight.js names or aliases.
hljs.registerAliases(['typescriptreact', 'javascriptreact'], { languageName: 'typescript' });
hljs.registerAliases(['shellscript', 'console'], { languageName: 'bash' });
hljs.registerAliases(['jsonc'], { languageName: 'json' });
hljs.registerAliases(['c', 'h'], { languageName: 'cpp' });

/** Highlighted HTML (escaped, spans only) or undefined for a language not bundled. */
export function highlightCode(code: string, language: string): string | undefined {
  if (!language || !hljs.getLanguage(language)) return undefined;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
