export function main(argv: string[]): void {
  console.log("microgpt", argv.join(" "));
}
