/* The help texts, in the shape of well-known CLIs: usage line, what it does, options, examples. */

export const MAIN_USAGE = `Usage: ferry [options]                    run a room (the daemon): see ferry --help
       ferry send <join-link> <path>...   share files and folders from this machine
       ferry get <join-link> [options]    list or download what the room shares

Run 'ferry send --help' or 'ferry get --help' for their options.
`;

export const SEND_USAGE = `Usage: ferry send <join-link> <file-or-folder>... [options]

Joins the room at <join-link> (as printed by the host's 'ferry'), waits for the host to let you
in, shares the files and folders, and serves them until you press Ctrl-C. Files are read from
disk as they are sent; a file that changes on disk stops being shared.

Options:
  --name NAME            the name others see (default: this machine's name)
  --fingerprint SHA256:…  the certificate fingerprint a 'ferry --tls self-signed' host printed;
                         required for such a room, checked on every connection
  --forget               forget this room's identity first (you will need approval again)
  --json                 print one JSON event per line instead of progress
  -h, --help             show this text

Examples:
  ferry send http://192.168.1.20:8787/ report.pdf photos/
  ferry send https://ferry.lan:8787/ build.log --name ci-runner --json
`;

export const GET_USAGE = `Usage: ferry get <join-link> [options]

Joins the room at <join-link>, waits for the host to let you in, then lists or downloads.
Downloads resume: run the same command again and it continues where it stopped. Every chunk
and every whole file is checked. Nothing outside -o DIR is ever written.

Options:
  --list                 list what the room shares, then exit
  --file NAME-OR-ID      download this file or folder (a name, a folder path or an id;
                         repeatable)
  --from PERSON          only what this person shares (a name or a person code such as 7F3A)
  --all                  download everything the room shares (with --from: everything of theirs)
  -o, --output DIR       where to write (default: the current folder)
  --overwrite            replace files that already exist in DIR
  --name NAME            the name others see (default: this machine's name)
  --fingerprint SHA256:…  the certificate fingerprint a 'ferry --tls self-signed' host printed
  --forget               forget this room's identity first (you will need approval again)
  --json                 print one JSON event per line instead of progress
  -h, --help             show this text

Exit codes: 0 done, 1 a transfer failed, 2 bad usage, 3 not admitted or removed,
4 the room could not be reached.

Examples:
  ferry get http://192.168.1.20:8787/ --list
  ferry get http://192.168.1.20:8787/ --file report.pdf -o ~/Downloads
  ferry get https://10.0.0.5:8787/ --all --from Alice --fingerprint SHA256:AB:CD:…
`;
