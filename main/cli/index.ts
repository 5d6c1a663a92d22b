/** Placeholder CLI entry (replaced by the real CLI). Prints usage; unknown commands exit 2. */
const USAGE = `usage: echo-studio <command> [args]

commands:
  dind verify <dir>   verify DIND logs against their recorded hashes (not implemented yet)
  help                show this message`

const [command] = process.argv.slice(2)

if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  console.log(USAGE)
  process.exit(command === undefined ? 2 : 0)
} else {
  console.error(`echo-studio: unknown or unimplemented command '${command}'\n\n${USAGE}`)
  process.exit(2)
}
