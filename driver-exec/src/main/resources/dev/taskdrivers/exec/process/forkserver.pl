# Fork server: starts and supervises the tasks of one raw_exec driver, so that they outlive the JVM that started it.
# Usage: perl forkserver.pl SETSID
#   SETSID is the number of the setsid(2) system call on this architecture, or 0 to use setpgrp instead.
# POSIX.pm is not loaded (it costs several times the interpreter's own start); the few constants needed are Linux's.
#
# Requests on standard input, one after another: "<length>\n" and <length> bytes of NUL-separated fields
#   EXIT_FILE STDOUT STDERR CWD ARGC ARGV[0] .. ARGV[ARGC-1] ENV...        (each ENV entry is NAME=VALUE)
# Nothing of a request is ever parsed by a shell. One reply line on standard output per request:
#   task <pid>     forked: the task leads its own session and process group and goes on to execute its argv
#   error <why>    nothing was started: the working directory is not a directory, or the program (a path) is not an
#                  executable file
# The reply comes right after the fork, without waiting for the task's exec: starting a task costs the server one
# wake-up, like a spawn by the JVM itself. A set-up step that fails later (opening a log file, the exec itself) ends
# the task with EXIT_FILE "error=<why>" (the child leaves it in EXIT_FILE.setup, moved into place once reaped); a
# set-up step that blocks (a log file that is a FIFO nobody reads) blocks only that task, which can be stopped like
# any other. Until the child has reset them, its first microseconds, it still ignores the signals the server ignores.
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

# In the forked child, when it cannot become the task: leaves the reason for the server, which finds it when it reaps
# the child, and exits.
sub fail_child {
    my ($report, $why) = @_;
    $why =~ s/\n/ /g;
    my $fh;
    open($fh, '>', $report) && print($fh "error=$why\n") && close($fh);
    exit 127;
}

# In the forked child: becomes the task, or leaves in $report why it cannot and exits.
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
    { no warnings 'exec'; exec { $argv->[0] } @$argv; }
    fail_child($report, "cannot execute $argv->[0]: $!");
}

sub start_task {
    my ($payload) = @_;
    my @fields = split(/\0/, $payload, -1);
    return "error malformed request" if @fields < 6 || $fields[4] !~ /^\d+$/ || $fields[4] < 1
        || @fields < 5 + $fields[4];
    my ($exit_file, $out, $err, $cwd, $argc) = splice(@fields, 0, 5);
    my @argv = splice(@fields, 0, $argc);
    # the usual mistakes are refused before the fork, so they are start errors rather than failed tasks
    return "error cannot enter working directory $cwd: not a directory" unless -d $cwd;
    return "error cannot execute $argv[0]: not an executable file"
        if $argv[0] =~ m{/} && !(-f $argv[0] && -x _);
    my $report = "$exit_file.setup";
    unlink($report);
    my $pid = fork();
    return "error cannot fork: $!" unless defined $pid;
    if ($pid == 0) {
        close(STDIN);
        become_task($report, $out, $err, $cwd, \@argv, \@fields);
    }
    $exit_file_of{$pid} = $exit_file;
    return "task $pid";
}

sub record_exit {
    my ($exit_file, $status) = @_;
    # a child that could not become the task left its reason
    return if $status == 127 << 8 && rename("$exit_file.setup", $exit_file);
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
