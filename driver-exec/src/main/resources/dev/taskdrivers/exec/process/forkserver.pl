# Fork server: starts and supervises the tasks of one raw_exec driver, so that they outlive the JVM that started it.
# Usage: perl forkserver.pl SETSID
#   SETSID is the number of the setsid(2) system call on this architecture, or 0 to use setpgrp instead.
# POSIX.pm is not loaded (it costs several times the interpreter's own start); the few constants needed are Linux's.
#
# Requests on standard input, one after another: "<length>\n" and <length> bytes of NUL-separated fields
#   EXIT_FILE STDOUT STDERR CWD TIMEOUT_MS ARGC ARGV[0] .. ARGV[ARGC-1] ENV...   (each ENV entry is NAME=VALUE)
# Nothing of a request is ever parsed by a shell. One reply line on standard output per request:
#   task <pid>     the task runs its argv (the exec succeeded); it leads its own session and process group
#   error <why>    nothing was started (working directory, log file or program unusable, or the task's set-up took
#                  longer than TIMEOUT_MS, e.g. a log file that is a FIFO nobody reads: it is killed then)
# When a task's leader ends, its process group is killed (children it left behind die with it) and EXIT_FILE gets
# "exited <code>" or "signaled <signal>" (plus " core" when it dumped core), written to a temporary file renamed into
# place so readers never see half a file. Unlike a shell's $?, an exit code above 128 is never taken for a signal.
# At the end of standard input (the driver closed it, or its JVM died) the server reads no more requests, keeps
# supervising the tasks it started and exits once the last one ended.
use strict;
use warnings;

my $SETSID = $ARGV[0] || 0;
my $WNOHANG = 1;
my $EINTR = 4;
my $REAP_BACKSTOP = 0.25;
# Signals the server ignores or handles; a task gets their default actions back.
my @SERVER_SIGNALS = qw(HUP INT QUIT TERM PIPE TSTP TTIN TTOU USR1 USR2 ALRM CHLD);

my %exit_file_of;

sub new_session {
    if ($SETSID) {
        return syscall($SETSID) >= 0;
    }
    return setpgrp(0, 0);
}

# The server left the JVM's session, but a group signal or hangup may still reach it through a parent's mistake.
new_session();
$SIG{$_} = 'IGNORE' for qw(HUP INT QUIT TERM PIPE TSTP TTIN TTOU USR1 USR2 ALRM);
# Interrupts select() so exits are recorded at once; the select timeout covers a signal landing just before it.
$SIG{CHLD} = sub { };

sub fail_child {
    my ($report, $why) = @_;
    syswrite($report, $why);
    exit 127;
}

# In the forked child: becomes the task, or reports on $report why it cannot and exits.
sub become_task {
    my ($report, $out, $err, $cwd, $argv, $env) = @_;
    $SIG{$_} = 'DEFAULT' for @SERVER_SIGNALS;
    new_session() or fail_child($report, "cannot create a session: $!");
    chdir($cwd) or fail_child($report, "cannot enter working directory $cwd: $!");
    open(STDIN, '<', '/dev/null') or fail_child($report, "cannot open /dev/null: $!");
    open(STDOUT, '>>', $out) or fail_child($report, "cannot open $out: $!");
    open(STDERR, '>>', $err) or fail_child($report, "cannot open $err: $!");
    %ENV = ();
    for my $entry (@$env) {
        my ($name, $value) = split(/=/, $entry, 2);
        $ENV{$name} = $value // '';
    }
    # the report pipe is close-on-exec: a successful exec closes it without a word
    { no warnings 'exec'; exec { $argv->[0] } @$argv; }
    fail_child($report, "cannot execute $argv->[0]: $!");
}

# What the child reported before its exec ('' when the exec succeeded), or undef when it took longer than $timeout.
sub await_report {
    my ($report, $timeout) = @_;
    my $why = '';
    my $wanted = '';
    vec($wanted, fileno($report), 1) = 1;
    my $left = $timeout;
    while (1) {
        return undef if $left <= 0;
        # Linux's select counts the time left down, also when a signal interrupts it
        (my $ready, $left) = select(my $readable = $wanted, undef, undef, $left);
        next if $ready <= 0;
        my $n = sysread($report, $why, 4096, length $why);
        next if !defined $n && $! == $EINTR;
        return $why if !$n;
    }
}

sub start_task {
    my ($payload) = @_;
    my @fields = split(/\0/, $payload, -1);
    return "error malformed request" if @fields < 7 || $fields[4] !~ /^\d+$/ || $fields[5] !~ /^\d+$/
        || $fields[5] < 1 || @fields < 6 + $fields[5];
    my ($exit_file, $out, $err, $cwd, $timeout_ms, $argc) = splice(@fields, 0, 6);
    my @argv = splice(@fields, 0, $argc);
    pipe(my $report_r, my $report_w) or return "error cannot create a pipe: $!";
    my $pid = fork();
    return "error cannot fork: $!" unless defined $pid;
    if ($pid == 0) {
        close($report_r);
        close(STDIN);
        become_task($report_w, $out, $err, $cwd, \@argv, \@fields);
    }
    close($report_w);
    my $why = await_report($report_r, $timeout_ms / 1000);
    close($report_r);
    unless (defined $why) {
        kill('KILL', $pid);
        $why = "the task did not execute its program within $timeout_ms ms";
    }
    if ($why ne '') {
        1 while waitpid($pid, 0) == -1 && $! == $EINTR;
        $why =~ s/\n/ /g;
        return "error $why";
    }
    $exit_file_of{$pid} = $exit_file;
    return "task $pid";
}

sub record_exit {
    my ($exit_file, $status) = @_;
    my $text = ($status & 127)
        ? 'signaled ' . ($status & 127) . (($status & 128) ? ' core' : '')
        : 'exited ' . ($status >> 8);
    my $temp = "$exit_file.tmp";
    my $fh;
    unless (open($fh, '>', $temp) && print($fh "$text\n") && close($fh) && rename($temp, $exit_file)) {
        print STDERR "cannot record '$text' in $exit_file: $!\n";
    }
}

sub reap {
    while ((my $pid = waitpid(-1, $WNOHANG)) > 0) {
        my $status = $?;
        my $exit_file = delete $exit_file_of{$pid};
        next unless defined $exit_file;
        # children the task left behind in its group die with it
        kill('KILL', -$pid);
        record_exit($exit_file, $status);
    }
}

my $requests_open = 1;
my $buffer = '';
while ($requests_open || %exit_file_of) {
    reap();
    last unless $requests_open || %exit_file_of;
    my $wanted = '';
    vec($wanted, fileno(STDIN), 1) = 1 if $requests_open;
    my $ready = select(my $readable = $wanted, undef, undef, %exit_file_of ? $REAP_BACKSTOP : undef);
    next unless $ready > 0 && $requests_open;
    my $n = sysread(STDIN, $buffer, 65536, length $buffer);
    if (!defined $n) {
        next if $! == $EINTR;
        print STDERR "cannot read requests: $!\n";
        $requests_open = 0;
        next;
    }
    if ($n == 0) {
        $requests_open = 0;
        next;
    }
    while ($buffer =~ /\A(\d+)\n/ && length($buffer) >= length($1) + 1 + $1) {
        my $header = length($1) + 1;
        my $payload = substr($buffer, $header, $1);
        substr($buffer, 0, $header + length $payload) = '';
        syswrite(STDOUT, start_task($payload) . "\n");
    }
}
