// The examples `--help` shows for each command: the README's use cases.
type Examples = Array<[string, string]>;

const EXAMPLES: Record<'learn' | 'report' | 'parse' | 'resolve' | 'check' | 'diff' | 'merge' | 'arches', Examples> = {
  learn: [
    ['tail -n +1 -F /var/log/syslog | $0 --comm http-echo -o profiles/http-echo.json', 'follow the log from its first line (and across rotation) while the workload runs; Ctrl-C ends'],
    ['$0 --comm http-echo -o profiles/http-echo.json <(tail -n +1 -F /var/log/syslog)', 'the same, the log given as a FIFO'],
    ['$0 --comm http-echo /var/log/syslog* > http-echo.json', 'learn from the logs already written, rotated and gzipped ones too'],
    ['$0 --comm http-echo -o profiles/http-echo.json /dev/kmsg', "follow the kernel's log itself (root): no rate limit of syslog's, no forged lines"],
    ['$0 --exe /usr/bin/busybox /var/log/audit/audit.log -o busybox.json', "from auditd's log, selected by executable"],
    ['journalctl -k -o json | $0 --comm http-echo', "from journald's kernel messages"],
    ['$0 --out-dir profiles /var/log/syslog', 'one profile per program, and the Pod securityContext that uses each'],
    ['$0 --comm http-echo --strict /var/log/syslog -o http-echo.json', 'exit 3 when records may be missing (rate limit, lost records)'],
    ['$0 --comm httpd --format docker -o httpd.json /var/log/syslog', 'a template for docker/podman run --security-opt seccomp=httpd.json'],
    ['$0 --exe /usr/bin/myapp --format spo --name myapp audit.log > myapp.yaml', 'a SeccompProfile for kubectl apply -f myapp.yaml'],
    ['$0 --comm myd --format systemd -o seccomp.conf /var/log/syslog', 'a systemd drop-in, for /etc/systemd/system/myd.service.d/'],
    ['$0 --state node-1.json --node node-1 /var/log/audit/audit.log', 'learn on from where the last run stopped (run it again after rotation)'],
    ['$0 --comm redis-server --root /proc/$(pidof redis-server)/root /var/log/audit/audit.log', 'also say how many calls its binary can make that the recording never saw'],
    ['$0 --comm redis-server --root rootfs --include-unexercised audit.log -o redis.json', 'allow them too: what ran and what the binary can make (rootfs: podman export ... | tar -x -C rootfs)'],
  ],
  report: [
    ['$0 report --comm http-echo /var/log/syslog', 'per process: each syscall with its count and action, denied first'],
    ['$0 report --denied /var/log/syslog', 'only what a profile in force denied: why does my pod crash?'],
    ['$0 report --json /var/log/audit/audit.log | jq .findings', 'one JSON document'],
    ['$0 report --comm redis-server --root rootfs audit.log', 'what its binary can make that the recording never saw, each call with the functions that make it'],
  ],
  parse: [
    ['$0 parse /var/log/syslog | jq -r .syscall | sort | uniq -c', 'one JSON object per record, for jq'],
    ['dmesg | $0 parse --all', 'keep records read twice'],
  ],
  resolve: [
    ['$0 resolve --arch x86_64 1073741825', 'write (an x32 call)'],
    ['$0 resolve --arch aarch64 openat', 'the number of openat on aarch64'],
    ['$0 resolve --arch mipsel --all', 'the whole table: NUMBER<TAB>NAME'],
  ],
  check: [
    ['$0 check profiles/fine-grained.json --comm http-echo /var/log/syslog', 'which calls of http-echo would the profile deny?'],
    ['$0 check --json seccomp.yaml audit.log | jq .totals', 'the same, for a machine'],
    ['$0 check redis.json --comm redis-server --root rootfs audit.log', "also which of the profile's denials its binary can make"],
  ],
  diff: [
    ['$0 diff profiles/learned.json fine-grained.json', '-name: only the learned profile allows it; +name: only fine-grained.json'],
    ['$0 diff seccomp.yaml /usr/share/containers/seccomp.json', 'an SPO resource against a Docker template'],
  ],
  merge: [
    ['$0 merge replica-*.json -o profiles/web.json', 'one profile that lets every replica run'],
    ['$0 merge web.json web.yaml --format spo --name web', 'an OCI profile and an SPO resource into one SeccompProfile'],
    ['$0 merge states/*.json --out-dir profiles', 'the states of every node: one profile per program'],
    ['$0 merge states/*.json --format state -o fleet.json', 'the states of every node as one state'],
  ],
  arches: [['$0 arches', 'every architecture audit knows']],
};

/**
 * A command's examples for yargs' .example(): each as a `# what it does` line
 * over the command, both the full width (yargs' two columns cut long commands).
 */
export function examples(command: keyof typeof EXAMPLES): Examples {
  return EXAMPLES[command].flatMap(([cmd, what]): Examples => [
    [`# ${what}`, ''],
    [cmd, ''],
  ]);
}
