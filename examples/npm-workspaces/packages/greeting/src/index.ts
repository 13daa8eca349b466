/** A shared library the API imports through the workspace link. */
export function greet(name: string): string {
  return `hello, ${name}`;
}
