# Fork server: starts and supervises the tasks of one exec or raw_exec driver, so that they outlive the JVM that
# started it.
# Usage: perl forkserver.pl SETSID UNSHARE MOUNT SETNS SETHOSTNAME UMOUNT2 RT_SIGPROCMASK PRCTL EXECVEAT
#   the numbers of those system calls on this architecture; 0 where unknown: SETSID 0 falls back to setpgrp,
#   RT_SIGPROCMASK 0 to POSIX.pm, PRCTL 0 leaves the server no subreaper, any other 0 refuses isolated requests
#   (PRCTL or EXECVEAT 0 refuses only those with an entry).
# The server makes itself a child subreaper: a process a task leaves behind (its leader ended first) becomes the
# server's child rather than init's, and the server reaps it. It protects itself from the OOM killer
# (oom_score_adj -1000, when permitted) and sets each task it forks back to 0, so under memory pressure the kernel
# picks a task, never the server that records their exits.
# POSIX.pm is not loaded (it costs several times the interpreter's own start); the few constants needed are Linux's.
#
# Requests on standard input, one after another: "<length>\n" and <length> bytes of NUL-separated fields
#   run     EXIT_FILE STDOUT STDERR CWD USER NMAKE (OP SOURCE TARGET FSTYPE FLAGS DATA) x NMAKE
#           NCGROUPS CGROUP_PROCS x NCGROUPS ARGC ARGV[0] .. ARGV[ARGC-1] ENV...
#   isolate EXIT_FILE STDOUT STDERR CWD UNSHARE_FLAGS PIDNS HOSTNAME SIGNAL_EXITS TIMEOUT_MS
#           ENTRY_ROOT ENTRY_WORK_DIR ENTRY_USER ENTRY_CAPS
#           NTEMPLATE (OP SOURCE TARGET FSTYPE FLAGS DATA) x NTEMPLATE NSTEPS (OP ...) x NSTEPS NAFTER (OP ...) x NAFTER
#           NCGROUPS CGROUP_PROCS x NCGROUPS ARGC ARGV[0] .. ARGV[ARGC-1] ENV...
# Each ENV entry is NAME=VALUE. USER is empty (the task runs as the server's user) or UID:GID:GROUP,GROUP...: the
# task opens its logs, then takes those supplementary groups, that gid and that uid before it executes its argv
# (the server must be root for that; a switch that fails ends the task like any set-up failure). A "run" task
# first takes the NMAKE steps ("mkdir" and "write" only: creating its cgroups), off the reply's path; one that fails
# is written to this server's standard error (its log) and the task then runs outside its cgroups rather than not
# at all. Otherwise it moves itself into each CGROUP_PROCS file after opening its logs and before that switch, so
# nothing of it runs outside its cgroups; a write that fails there ends it like any set-up failure. A set-up step is one of: "mount" (a mount(2) call; an empty SOURCE, FSTYPE or DATA
# is passed as NULL), "mkdir" (TARGET with mode FLAGS), "file" (an empty file TARGET), "symlink" (TARGET pointing
# to SOURCE), "write" (DATA into the file TARGET; FLAGS 1 skips a missing file), "bindhost" (SOURCE as the host's
# mount namespace sees it, bound on TARGET), "mounthost" (a mount(2) call made in the host's mount namespace, such as
# a task's secrets tmpfs; these are made first, before the child's own namespaces, whatever their place in the list),
# "joinnet" (the child joins the network namespace SOURCE, a file such as /run/netns/NAME opened in the host's mount
# namespace, before it makes namespaces of its own).
# A length line that is not 1 to 9 digits is answered with an error and skipped up to its newline; a request longer
# than MAX_REQUEST (16 MiB) is answered with an error and its bytes are skipped.
# Nothing of a request is ever parsed by a shell. One reply line on standard output per request (malformed ones
# included), starting with the request's number in the input (1 for the first):
#   <n> task <pid>     started: the task leads its own session and process group and goes on to execute its argv
#   <n> error <why>    nothing was started (or what was, is gone again)
# Replies come in the order launches settle, which for "isolate" requests is when their set-up is done: the server
# keeps serving other requests meanwhile, so a task whose set-up is slow (a mount that takes long, a FIFO nobody
# opens) holds up no other.
# A "run" reply comes right after the fork, without waiting for the task's exec: starting a task costs the server one
# wake-up, like a spawn by the JVM itself. The working directory must be a directory and a program given as a path
# an executable file, or nothing starts. A set-up step that fails later (opening a log file, the exec itself) ends
# the task with EXIT_FILE "error=<why>" (the child leaves it in EXIT_FILE.setup, moved into place once reaped); a
# set-up step that blocks (a log file that is a FIFO nobody reads) blocks only that task, which can be stopped like
# any other. Every task starts with every signal's default action and no signal blocked, whatever the server or the
# JVM that started it ignored or blocked. The server blocks every signal but SIGCHLD, and its child unblocks them
# only right before its exec, after resetting their actions: a signal sent once the reply is out is never lost, it
# waits until then (a "run" task, or an "isolate" one not in a pid namespace of its own, ends by it before its exec).
# As pid 1 of a new namespace the child cannot be killed by a signal it does not handle: one that came before its
# exec is dropped then, so signals are for its init (tini), once that has started the task's program.
# The NTEMPLATE steps build what every isolated task of this server shares (a root of read-only binds): the server
# takes them once, in a mount namespace of its own (a slave of the host's, made on the first such request), and again
# only when they change, after detaching the old template (its first step mounts the template's root); a request
# with NTEMPLATE 0 uses the template built before. An "isolate"
# task is forked into a new pid namespace when PIDNS is 1 (it is that namespace's pid 1), unshares
# UNSHARE_FLAGS (clone flags: mount, uts, ipc namespaces), takes the set-up steps in order and sets its hostname; the
# reply waits for that (at most TIMEOUT_MS), so a failing step is an "error" reply naming it and nothing is left. The
# child reports on a pipe: "unshared" once it has its own mount namespace, then "ready" or "error <why>". A template
# is replaced only after every child still setting up has its own mount namespace, which holds the old one.
# Then the task resets its signals, opens its logs, takes the NAFTER steps (creating its cgroups; failures from
# here on end it like a "run" task's set-up failures), moves itself into each CGROUP_PROCS file and executes its argv: nothing of the task runs outside its cgroups, and neither the log
# files' creation nor the wait for the cgroup migration (a kernel grace period on cgroup v1) is on the reply's path.
# SIGNAL_EXITS 1 says the program is an init that reports a child killed by signal N as exit 128+N.
# With an ENTRY_ROOT (empty: none) the child becomes the task itself, after joining its cgroups, instead of a program
# doing it: it enters ENTRY_ROOT and ENTRY_WORK_DIR (chroot), drops every capability not in ENTRY_CAPS (comma-separated
# numbers) from its bounding set, takes the groups, gid and uid of ENTRY_USER (UID:GID:GROUPS), sets no_new_privs and
# executes ARGV[0], opened before the chroot (by its path when the same file is there inside ENTRY_ROOT, else with
# execveat(2), so it need not be inside), with the rest of ARGV; ARGV[0] is an init such as a static tini that runs the task's command. A step that fails here is written to
# the task's standard error and ends it with status 125.
# When a task's leader ends, its process group is killed (children it left behind die with it) and EXIT_FILE gets
# "exited <code>" or "signaled <signal>" (plus " core" when it dumped core), written to a temporary file renamed into
# place so readers never see half a file. Unlike a shell's $?, an exit code above 128 is never taken for a signal
# (unless SIGNAL_EXITS said so).
# At the end of standard input (the driver closed it, or its JVM died) the server reads no more requests, keeps
# supervising the tasks it started and exits once the last one ended.
use strict;
use warnings;

my ($SETSID, $UNSHARE, $MOUNT, $SETNS, $SETHOSTNAME, $UMOUNT2, $SIGPROCMASK, $PRCTL, $EXECVEAT)
    = map { ($_ // 0) + 0 } @ARGV[0 .. 8];
my $PR_SET_CHILD_SUBREAPER = 36;
my $PR_CAPBSET_READ = 23;
my $PR_CAPBSET_DROP = 24;
my $PR_SET_NO_NEW_PRIVS = 38;
my $AT_EMPTY_PATH = 0x1000;
my $ENTRY_FAILED = 125;
my $MAX_REQUEST = 16 << 20;
my $CLONE_NEWPID = 0x20000000;
my $CLONE_NEWNS = 0x20000;
my $CLONE_NEWNET = 0x40000000;
my $MS_REC = 16384;
my $MS_SLAVE = 1 << 19;
my $MNT_DETACH = 2;
my $WNOHANG = 1;
my $EINTR = 4;
my $SIG_SETMASK = 2;
# open_tree(2) and move_mount(2) came after the architectures' tables were unified: one number everywhere
my $OPEN_TREE = 428;
my $MOVE_MOUNT = 429;
my $OPEN_TREE_CLONE = 1;
my $OPEN_TREE_CLOEXEC = 0x80000;
my $MOVE_MOUNT_F_EMPTY_PATH = 4;
my $AT_FDCWD = -100;
# signals 1 to 31 but SIGCHLD (17), as a kernel sigset_t
my $ALL_BUT_SIGCHLD = 0x7fffffff & ~(1 << 16);
my $REAP_BACKSTOP = 0.25;
# The signal the server handles and those it inherited ignored (a JVM run under nohup ignores SIGHUP): a task gets
# their default actions back.
my @TASK_DEFAULTS = ('CHLD', grep { $_ ne 'CHLD' && ($SIG{$_} // '') eq 'IGNORE' } sort keys %SIG);

my %exit_file_of;
# isolated launches whose child is still setting up: by the pipe it reports on, and by pid
my (%setup_of, %setup_pid);
# wait statuses of set-up children reaped before their launch settled
my %early_status;
# tasks whose leader reports a child's death by signal N as exit 128+N
my %signal_exits;
# this server's own pid namespace, to return to after forking a task into a new one
my $own_pid_ns;
$own_pid_ns = undef unless open($own_pid_ns, '<', '/proc/self/ns/pid');
# the mount namespace the server started in (the host's), for "bindhost" steps
my $host_mount_ns;
$host_mount_ns = undef unless open($host_mount_ns, '<', '/proc/self/ns/mnt');
# in a set-up child: descriptors of the trees its "bindhost" steps took from the host's namespace, by source
my %host_tree;
# whether the server left the host's mount namespace for one of its own, and the template built there
my $own_mount_ns = 0;
my ($template_key, $template_root);

sub new_session {
    if ($SETSID) {
        return syscall($SETSID) >= 0;
    }
    return setpgrp(0, 0);
}

# Sets the blocked signals to $bits (bit N-1 for signal N), or with $bits 0 unblocks every signal; whether it could.
sub set_signal_mask {
    my ($bits) = @_;
    if ($SIGPROCMASK) {
        return syscall($SIGPROCMASK, $SIG_SETMASK, pack('Q', $bits), 0, 8) == 0;
    }
    require POSIX;
    my $set = POSIX::SigSet->new();
    if ($bits) {
        $set->fillset();
        $set->delset(POSIX::SIGCHLD());
    }
    return defined POSIX::sigprocmask(POSIX::SIG_SETMASK(), $set);
}

# Writes $value to this process's oom_score_adj; whether it could (lowering it needs CAP_SYS_RESOURCE).
sub set_oom_score_adj {
    my ($value) = @_;
    my $fh;
    return open($fh, '>', '/proc/self/oom_score_adj') && print($fh $value) && close($fh);
}

# The server left the JVM's session, but a group signal or hangup may still reach it through a parent's mistake:
# blocked, it waits forever. Blocked rather than ignored, so a signal for a just-forked task waits for it too.
new_session();
set_signal_mask($ALL_BUT_SIGCHLD) or die "cannot block signals: $!\n";
if ($PRCTL && syscall($PRCTL, $PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    print STDERR "cannot become a child subreaper: $!; what tasks leave behind goes to init\n";
}
my $oom_protected = set_oom_score_adj(-1000);
print STDERR "cannot protect the server from the OOM killer: $!\n" if !$oom_protected && $> == 0;
# Interrupts select() so exits are recorded at once; the select timeout covers a signal landing just before it.
# The server reaps only after this signal: each waitpid() walks all of its children, which with thousands of idle
# tasks would be most of what an idle server does.
my $children_ended = 1;
$SIG{CHLD} = sub { $children_ended = 1 };

# In the forked child, when it cannot become the task: leaves the reason for the server, which finds it when it reaps
# the child, and exits.
sub fail_child {
    my ($report, $why) = @_;
    $why =~ s/\n/ /g;
    my $fh;
    open($fh, '>', $report) && print($fh "error=$why\n") && close($fh);
    exit 127;
}

# In the forked child: gives the task's signals their default actions (an ignored signal stays ignored across exec).
# They are still blocked: one sent meanwhile stays pending.
sub reset_signals {
    $SIG{$_} = 'DEFAULT' for @TASK_DEFAULTS;
}

# In the forked child, right before its exec: the task starts with no signal blocked (the mask survives exec); a
# signal that came since the fork is delivered now.
sub exec_task {
    my ($report, $argv) = @_;
    set_signal_mask(0) or fail_child($report, "cannot unblock signals: $!");
    { no warnings 'exec'; exec { $argv->[0] } @$argv; }
    fail_child($report, "cannot execute $argv->[0]: $!");
}

# In the forked child: becomes the task, or leaves in $report why it cannot and exits.
sub become_task {
    my ($report, $out, $err, $cwd, $user, $make, $cgroups, $argv, $env) = @_;
    set_oom_score_adj(0) if $oom_protected;
    reset_signals();
    new_session() or fail_child($report, "cannot create a session: $!");
    # while standard error is still the server's log
    $cgroups = [] unless make_cgroups($make);
    chdir($cwd) or fail_child($report, "cannot enter working directory $cwd: $!");
    open(STDIN, '<', '/dev/null') or fail_child($report, "cannot open /dev/null: $!");
    open(STDOUT, '>>', $out) or fail_child($report, "cannot open $out: $!");
    open(STDERR, '>>', $err) or fail_child($report, "cannot open $err: $!");
    join_cgroups($report, $cgroups);
    become_user($report, $user) if $user ne '';
    set_environment($env);
    exec_task($report, $argv);
}

# In the forked child of a run request: takes the steps that create its cgroups; false, said on standard error, when
# one fails.
sub make_cgroups {
    my ($make) = @_;
    for my $step (@$make) {
        my $why = take_step(@$step);
        next unless defined $why;
        syswrite(STDERR, "task $$ runs outside its cgroups: $why\n");
        return 0;
    }
    return 1;
}

# In the forked child: moves itself into each cgroup.procs file of @$cgroups (writing 0 moves the writer).
sub join_cgroups {
    my ($report, $cgroups) = @_;
    for my $procs (@$cgroups) {
        my $fh;
        open($fh, '>', $procs) && print($fh "0") && close($fh)
            or fail_child($report, "cannot join cgroup $procs: $!");
    }
}

# In the forked child: takes the groups, then the gid, then the uid of USER (UID:GID:GROUPS), as initgroups, setgid
# and setuid would: once the uid is given up the rest can no longer change.
sub become_user {
    my ($report, $user) = @_;
    my ($uid, $gid, $groups) = split(/:/, $user);
    my @groups = split(/,/, $groups // '');
    @groups = ($gid) unless @groups;
    # the first number is the effective gid, the rest go to setgroups()
    $) = "$gid @groups";
    $( = $gid;
    # one list assignment sets the real and effective uid in one call; the exec makes the saved one follow
    ($<, $>) = ($uid, $uid);
    my $why = "$!";
    fail_child($report, "cannot run as uid $uid, gid $gid: $why")
        unless $< == $uid && $> == $uid && (split(/ /, $())[0] == $gid && (split(/ /, $)))[0] == $gid;
}

sub set_environment {
    my ($env) = @_;
    %ENV = ();
    for my $entry (@$env) {
        my ($name, $value) = split(/=/, $entry, 2);
        $ENV{$name} = $value // '';
    }
}

# Starts what request number $n asks for: its reply, or undef when it comes once the task's set-up is done.
sub start_task {
    my ($n, $payload) = @_;
    my @fields = split(/\0/, $payload, -1);
    my $kind = shift(@fields) // '';
    return start_plain(@fields) if $kind eq 'run';
    return start_isolated($n, @fields) if $kind eq 'isolate';
    return "error malformed request: unknown kind '$kind'";
}

sub reply {
    my ($n, $text) = @_;
    $text =~ s/[\r\n]/ /g;
    syswrite(STDOUT, "$n $text\n");
}

# Checks made before any fork, so the usual mistakes are start errors rather than failed tasks.
sub refuse {
    my ($cwd, $argv) = @_;
    return "error cannot enter working directory $cwd: not a directory" unless -d $cwd;
    return "error cannot execute $argv->[0]: not an executable file"
        if $argv->[0] =~ m{/} && !(-f $argv->[0] && -x _);
    return undef;
}

# Takes ARGC ARGV... off @$fields; undef when malformed.
sub take_argv {
    my ($fields) = @_;
    my $argc = shift(@$fields);
    return undef unless defined $argc && $argc =~ /^\d+$/ && $argc >= 1 && @$fields >= $argc;
    return [splice(@$fields, 0, $argc)];
}

sub start_plain {
    my @fields = @_;
    return "error malformed request" if @fields < 8;
    my ($exit_file, $out, $err, $cwd, $user) = splice(@fields, 0, 5);
    return "error malformed request" unless $user =~ /^(\d+:\d+:\d+(,\d+)*)?$/;
    my $make = take_steps(\@fields) or return "error malformed request";
    return "error malformed request" if grep { $_->[0] ne 'mkdir' && $_->[0] ne 'write' } @$make;
    my $ncgroups = shift(@fields);
    return "error malformed request" unless defined $ncgroups && $ncgroups =~ /^\d+$/ && @fields >= $ncgroups;
    my @cgroups = splice(@fields, 0, $ncgroups);
    my $argv = take_argv(\@fields) or return "error malformed request";
    my $refused = refuse($cwd, $argv);
    return $refused if $refused;
    my $report = "$exit_file.setup";
    unlink($report);
    my $pid = fork();
    return "error cannot fork: $!" unless defined $pid;
    if ($pid == 0) {
        close(STDIN);
        become_task($report, $out, $err, $cwd, $user, $make, \@cgroups, $argv, \@fields);
    }
    $exit_file_of{$pid} = $exit_file;
    return "task $pid";
}

sub start_isolated {
    my ($n, @fields) = @_;
    return "error malformed request" if @fields < 17;
    my ($exit_file, $out, $err, $cwd, $flags, $pidns, $hostname, $signal_exits, $timeout_ms)
        = splice(@fields, 0, 9);
    my %entry;
    @entry{qw(root work_dir user caps)} = splice(@fields, 0, 4);
    return "error malformed request" unless "$flags$pidns$signal_exits$timeout_ms" =~ /^\d+$/;
    my $entry = $entry{root} eq '' ? undef : \%entry;
    return "error malformed request"
        if $entry && !($entry{user} =~ /^\d+:\d+:\d+(,\d+)*$/ && $entry{caps} =~ /^(\d+(,\d+)*)?$/);
    return "error an entry is not supported here: prctl(2) or execveat(2) numbers unknown for this architecture"
        if $entry && !($PRCTL && $EXECVEAT);
    my $template = take_steps(\@fields) or return "error malformed request";
    my $steps = take_steps(\@fields) or return "error malformed request";
    my $after = take_steps(\@fields) or return "error malformed request";
    my $ncgroups = shift(@fields);
    return "error malformed request" unless $ncgroups =~ /^\d+$/ && @fields >= $ncgroups;
    my @cgroups = splice(@fields, 0, $ncgroups);
    my $argv = take_argv(\@fields) or return "error malformed request";
    return "error isolation is not supported here: system call numbers unknown for this architecture"
        unless $UNSHARE && $MOUNT && $SETNS && $SETHOSTNAME && $UMOUNT2;
    return "error cannot open this server's pid namespace (/proc/self/ns/pid)" if $pidns && !$own_pid_ns;
    my $refused = refuse($cwd, $argv);
    return $refused if $refused;
    if (@$template) {
        my $why = ensure_template($template, time() + $timeout_ms / 1000);
        return "error $why" if defined $why;
    }
    my $report = "$exit_file.setup";
    unlink($report);
    my ($ready_in, $ready_out);
    pipe($ready_in, $ready_out) or return "error cannot create a pipe: $!";
    if ($pidns && syscall($UNSHARE, $CLONE_NEWPID) != 0) {
        return "error cannot create a pid namespace: $!";
    }
    my $pid = fork();
    my $fork_error = $!;
    if ($pidns && (!defined $pid || $pid > 0) && syscall($SETNS, fileno($own_pid_ns), $CLONE_NEWPID) != 0) {
        # every later task would land in that namespace: better no server than a wrong one
        die "cannot return to the server's own pid namespace: $!\n";
    }
    return "error cannot fork: $fork_error" unless defined $pid;
    if ($pid == 0) {
        close(STDIN);
        close($ready_in);
        isolate_and_become_task($report, $ready_out, $out, $err, $cwd, $flags, $hostname, $steps, $after,
            \@cgroups, $entry, $argv, \@fields);
    }
    close($ready_out);
    my $setup = { n => $n, pid => $pid, fh => $ready_in, line => '', unshared => 0, exit_file => $exit_file,
        report => $report, signal_exits => $signal_exits, timeout_ms => $timeout_ms,
        deadline => time() + $timeout_ms / 1000 };
    $setup_of{fileno($ready_in)} = $setup;
    $setup_pid{$pid} = $setup;
    return undef;
}

# Reads what a set-up child reported; settles its launch once it said ready or why not, or ended without a word.
sub pump_setup {
    my ($setup) = @_;
    my $n = sysread($setup->{fh}, $setup->{line}, 4096, length $setup->{line});
    return if !defined $n && $! == $EINTR;
    while ($setup->{line} =~ s/\A([^\n]*)\n//) {
        my $answer = $1;
        if ($answer eq 'unshared') {
            $setup->{unshared} = 1;
            next;
        }
        return settle_setup($setup, $answer);
    }
    settle_setup($setup, '') unless $n;
}

# Answers an isolated launch: "task <pid>" once its child is ready, else an error, and then nothing is left of it.
# $answer is the child's last report, '' when it ended without one, undef when it took too long.
sub settle_setup {
    my ($setup, $answer) = @_;
    my $pid = $setup->{pid};
    delete $setup_of{fileno($setup->{fh})};
    delete $setup_pid{$pid};
    close($setup->{fh});
    if (defined $answer && $answer eq 'ready') {
        $exit_file_of{$pid} = $setup->{exit_file};
        $signal_exits{$pid} = 1 if $setup->{signal_exits};
        reply($setup->{n}, "task $pid");
        # it ended right after its report: record that now, as the reaper would have
        settle_exit($pid, delete $early_status{$pid}) if exists $early_status{$pid};
        return;
    }
    # a child already reaped may have left processes in its group; one not reaped yet is reaped by the loop
    exists $early_status{$pid} ? kill('KILL', -$pid) : kill('KILL', -$pid, $pid);
    delete $early_status{$pid};
    unlink($setup->{report});
    return reply($setup->{n}, "error $1") if defined $answer && $answer =~ /^error (.*)/;
    return reply($setup->{n}, "error the task's set-up did not finish within $setup->{timeout_ms} ms")
        if !defined $answer;
    return reply($setup->{n}, "error the task ended during its set-up");
}

# Fails the launches whose set-up outlived its timeout.
sub expire_setups {
    my $now = time();
    for my $setup (grep { $now > $_->{deadline} } values %setup_of) {
        settle_setup($setup, undef);
    }
}

# Waits until every child still setting up has its own mount namespace (a copy of the server's, template
# included) or its launch settled; false when that takes past $deadline. Only a template change waits for this, and
# only for children between their fork and their unshare, before any set-up step.
sub await_unshared {
    my ($deadline) = @_;
    for my $setup (values %setup_of) {
        while (!$setup->{unshared} && exists $setup_of{fileno($setup->{fh})}) {
            return 0 if time() > $deadline;
            if (time() > $setup->{deadline}) {
                settle_setup($setup, undef);
                last;
            }
            my $wanted = '';
            vec($wanted, fileno($setup->{fh}), 1) = 1;
            pump_setup($setup) if select(my $readable = $wanted, undef, undef, 1) > 0;
        }
    }
    return 1;
}

# Takes NSTEPS and that many 6-field steps off @$fields; undef when malformed.
sub take_steps {
    my ($fields) = @_;
    my $n = shift(@$fields);
    return undef unless defined $n && $n =~ /^\d+$/ && @$fields >= 6 * $n;
    return [map { [splice(@$fields, 0, 6)] } 1 .. $n];
}

# Builds the template the isolated tasks' mount namespaces are copies of, unless it is built already; undef when
# done, else why not (and nothing of it is left).
sub ensure_template {
    my ($template, $deadline) = @_;
    my $key = join("\0", map { @$_ } @$template);
    return undef if defined $template_key && $template_key eq $key;
    # a child that has not unshared yet would lose the template it was forked for
    return "earlier tasks did not get their own mount namespace in time to replace the tasks' root"
        if defined $template_root && !await_unshared($deadline);
    unless ($own_mount_ns) {
        syscall($UNSHARE, $CLONE_NEWNS) == 0 or return "cannot create the server's mount namespace: $!";
        # host mounts still reach the server; nothing of the server's goes back
        my $root = '/';  # syscall needs a modifiable string
        syscall($MOUNT, 0, $root, 0, $MS_REC | $MS_SLAVE, 0) == 0
            or return "cannot make the server's mounts slaves of the host's: $!";
        $own_mount_ns = 1;
    }
    drop_template();
    $template_root = $template->[0][2];
    for my $step (@$template) {
        my $why = take_step(@$step);
        next unless defined $why;
        drop_template();
        return "cannot prepare the tasks' root: $why";
    }
    $template_key = $key;
    return undef;
}

sub drop_template {
    syscall($UMOUNT2, $template_root, $MNT_DETACH) if defined $template_root;
    undef $template_root;
    undef $template_key;
}

# In the forked child of an isolate request: sets up namespaces and mounts, reports on $ready, then (off the path
# the reply waits for) resets its signals, opens its logs, joins the cgroups and becomes the task. A failing step
# before the report is written there; after it, it is left in $report.
sub isolate_and_become_task {
    my ($report, $ready, $out, $err, $cwd, $flags, $hostname, $steps, $after, $cgroups, $entry, $argv, $env) = @_;
    my $fail = sub { syswrite($ready, "error $_[0]\n"); exit 127; };
    set_oom_score_adj(0) if $oom_protected;
    # its own session first, so the task's process group can be signalled as soon as the server replies
    new_session() or $fail->("cannot create a session: $!");
    my $why = join_network($steps) // take_host_trees($steps);
    $fail->($why) if defined $why;
    syscall($UNSHARE, $flags + 0) == 0 or $fail->("cannot create namespaces: $!");
    syswrite($ready, "unshared\n") or exit 127;
    for my $step (@$steps) {
        my $why = take_step(@$step);
        $fail->($why) if defined $why;
    }
    syscall($SETHOSTNAME, $hostname, length($hostname)) == 0 or $fail->("cannot set hostname $hostname: $!");
    syswrite($ready, "ready\n") or exit 127;
    close($ready);
    reset_signals();
    chdir($cwd) or fail_child($report, "cannot enter working directory $cwd: $!");
    open(STDIN, '<', '/dev/null') or fail_child($report, "cannot open /dev/null: $!");
    open(STDOUT, '>>', $out) or fail_child($report, "cannot open $out: $!");
    open(STDERR, '>>', $err) or fail_child($report, "cannot open $err: $!");
    for my $step (@$after) {
        my $why = take_step(@$step);
        fail_child($report, $why) if defined $why;
    }
    join_cgroups($report, $cgroups);
    enter_and_execute($entry, $argv, $env) if $entry;
    set_environment($env);
    exec_task($report, $argv);
}

# In the forked child of an isolate request with an entry, as the last step: enters the task's root and working
# directory, drops the capabilities the task does not keep, becomes its user, sets no_new_privs and executes $argv,
# its program opened before the chroot. Never returns: a failure is written to the task's standard error.
sub enter_and_execute {
    my ($entry, $argv, $env) = @_;
    my $fail = sub {
        syswrite(STDERR, "task setup failed: $_[0]\n");
        exit $ENTRY_FAILED;
    };
    my $program;
    open($program, '<', $argv->[0]) or $fail->("cannot open $argv->[0]: $!");
    chroot($entry->{root}) or $fail->("cannot enter the chroot $entry->{root}: $!");
    chdir('/') or $fail->("cannot enter / of the chroot: $!");
    chdir($entry->{work_dir}) or $fail->("cannot enter the working directory $entry->{work_dir}: $!");
    my %keep = map { $_ => 1 } split(/,/, $entry->{caps});
    for my $cap (0 .. 63) {
        # a capability number past the kernel's last is an error: the set ends there
        last if syscall($PRCTL, $PR_CAPBSET_READ, $cap, 0, 0, 0) < 0;
        next if $keep{$cap};
        syscall($PRCTL, $PR_CAPBSET_DROP, $cap, 0, 0, 0) == 0 or $fail->("cannot drop capability $cap: $!");
    }
    my ($uid, $gid, $groups) = split(/:/, $entry->{user});
    my @groups = split(/,/, $groups);
    # the first number is the effective gid, the rest go to setgroups()
    $) = "$gid @groups";
    $( = $gid;
    ($<, $>) = ($uid, $uid);
    my $why = "$!";
    $fail->("cannot run as uid $uid, gid $gid: $why")
        unless $< == $uid && $> == $uid && (split(/ /, $())[0] == $gid && (split(/ /, $)))[0] == $gid;
    syscall($PRCTL, $PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 or $fail->("cannot set no_new_privs: $!");
    # the same file at the same path inside the root (a chroot_env bind of /usr): executed by that path, so its name
    # is its own on kernels that name a program executed by descriptor after the descriptor (before Linux 6.14)
    my @outside = stat($program);
    my @inside = stat($argv->[0]);
    if (@inside && $inside[0] == $outside[0] && $inside[1] == $outside[1]) {
        set_environment($env);
        set_signal_mask(0) or $fail->("cannot unblock signals: $!");
        { no warnings 'exec'; exec { $argv->[0] } @$argv; }
    }
    set_signal_mask(0) or $fail->("cannot unblock signals: $!");
    # NULL-terminated arrays of pointers to the strings, which stay alive in @$argv and @$env
    my $argv_pointers = pack('p*', @$argv, undef);
    my $env_pointers = pack('p*', @$env, undef);
    my $empty = '';
    syscall($EXECVEAT, fileno($program), $empty, $argv_pointers, $env_pointers, $AT_EMPTY_PATH);
    $fail->("cannot execute $argv->[0]: $!");
}

# In a set-up child, before its unshare: makes the "mounthost" steps' mounts and takes a copy of each "bindhost"
# step's source from the host's mount namespace (entered and left again); undef when done, else why not.
sub take_host_trees {
    my ($steps) = @_;
    my @mounts = grep { $_->[0] eq 'mounthost' } @$steps;
    my @sources = map { $_->[1] } grep { $_->[0] eq 'bindhost' } @$steps;
    return undef unless @sources || @mounts;
    return "cannot open the host's mount namespace (/proc/self/ns/mnt at the server's start)" unless $host_mount_ns;
    my $own;
    open($own, '<', '/proc/self/ns/mnt') or return "cannot open the server's mount namespace: $!";
    syscall($SETNS, fileno($host_mount_ns), $CLONE_NEWNS) == 0
        or return "cannot enter the host's mount namespace: $!";
    my $why;
    for my $step (@mounts) {
        my ($op, $source, $target, $type, $flags, $data) = @$step;
        next if syscall($MOUNT, null_or($source), $target, null_or($type), $flags + 0, null_or($data)) == 0;
        $why = "cannot mount $source on $target in the host's mount namespace: $!";
        last;
    }
    for my $source (defined $why ? () : @sources) {
        my $fd = syscall($OPEN_TREE, $AT_FDCWD, $source, $OPEN_TREE_CLONE | $OPEN_TREE_CLOEXEC);
        if ($fd < 0) {
            $why = "cannot take $source from the host's mount namespace: $!";
            last;
        }
        $host_tree{$source} = $fd;
    }
    syscall($SETNS, fileno($own), $CLONE_NEWNS) == 0 or return "cannot return to the server's mount namespace: $!";
    return $why;
}

# Joins the network namespace of a "joinnet" step, opened in the host's mount namespace (where it was made, maybe after
# this server left it); undef when done (or there is none), else why not.
sub join_network {
    my ($steps) = @_;
    my ($path) = map { $_->[1] } grep { $_->[0] eq 'joinnet' } @$steps;
    return undef unless defined $path;
    return "cannot open the host's mount namespace (/proc/self/ns/mnt at the server's start)" unless $host_mount_ns;
    my ($own, $ns);
    open($own, '<', '/proc/self/ns/mnt') or return "cannot open the server's mount namespace: $!";
    syscall($SETNS, fileno($host_mount_ns), $CLONE_NEWNS) == 0
        or return "cannot enter the host's mount namespace: $!";
    my $why = open($ns, '<', $path) ? undef : "cannot open network namespace $path: $!";
    syscall($SETNS, fileno($own), $CLONE_NEWNS) == 0 or return "cannot return to the server's mount namespace: $!";
    return $why if defined $why;
    return undef if syscall($SETNS, fileno($ns), $CLONE_NEWNET) == 0;
    return "cannot join network namespace $path: $!";
}

# One set-up step of an isolate request; undef when done, else why it failed.
sub take_step {
    my ($op, $source, $target, $type, $flags, $data) = @_;
    if ($op eq 'mount') {
        return undef if syscall($MOUNT, null_or($source), $target, null_or($type), $flags + 0, null_or($data)) == 0;
        return "cannot mount " . ($source eq '' ? 'again' : $source) . " on $target: $!";
    }
    # made before the unshare, by take_host_trees and join_network
    return undef if $op eq 'mounthost' || $op eq 'joinnet';
    if ($op eq 'bindhost') {
        my $fd = $host_tree{$source};
        return "no tree of $source was taken from the host's mount namespace" unless defined $fd;
        my $empty = '';  # syscall needs a modifiable string
        return undef if syscall($MOVE_MOUNT, $fd, $empty, $AT_FDCWD, $target, $MOVE_MOUNT_F_EMPTY_PATH) == 0;
        return "cannot bind $source of the host's mount namespace on $target: $!";
    }
    if ($op eq 'mkdir') {
        return undef if mkdir($target, $flags + 0) || -d $target;
        return "cannot create directory $target: $!";
    }
    if ($op eq 'file') {
        my $fh;
        return undef if open($fh, '>>', $target) && close($fh);
        return "cannot create file $target: $!";
    }
    if ($op eq 'write') {
        my $fh;
        return undef if $flags == 1 && !-e $target;
        return undef if open($fh, '>', $target) && print($fh $data) && close($fh);
        return "cannot write '$data' to $target: $!";
    }
    if ($op eq 'symlink') {
        return undef if symlink($source, $target);
        return "cannot create link $target: $!";
    }
    return "unknown set-up step '$op'";
}

# A mount(2) argument: NULL for an empty field.
sub null_or {
    my ($value) = @_;
    return $value eq '' ? 0 : $value;
}

sub record_exit {
    my ($exit_file, $status, $signal_exits) = @_;
    # a child that could not become the task left its reason
    return if $status == 127 << 8 && rename("$exit_file.setup", $exit_file);
    my $code = $status >> 8;
    my $text = ($status & 127)
        ? 'signaled ' . ($status & 127) . (($status & 128) ? ' core' : '')
        : ($signal_exits && $code > 128 && $code <= 128 + 64) ? 'signaled ' . ($code - 128)
        : 'exited ' . $code;
    my $temp = "$exit_file.tmp";
    my $fh;
    unless (open($fh, '>', $temp) && print($fh "$text\n") && close($fh) && rename($temp, $exit_file)) {
        print STDERR "cannot record '$text' in $exit_file: $!\n";
    }
}

# Reaps every child that ended: tasks, set-up children, and the orphans of tasks this subreaper adopted.
sub reap {
    while ((my $pid = waitpid(-1, $WNOHANG)) > 0) {
        if ($setup_pid{$pid}) {
            $early_status{$pid} = $?;
            next;
        }
        settle_exit($pid, $?) if exists $exit_file_of{$pid};
    }
}

# Records how the task $pid ended, after killing what it left in its process group.
sub settle_exit {
    my ($pid, $status) = @_;
    my $exit_file = delete $exit_file_of{$pid};
    my $signal_exits = delete $signal_exits{$pid};
    # children the task left behind in its group die with it
    kill('KILL', -$pid);
    record_exit($exit_file, $status, $signal_exits);
}

my $requests_open = 1;
my $buffer = '';
# requests read so far; bytes of a too-long request still to skip; whether a bad length line is being skipped
my ($requests, $skip_bytes, $skip_line) = (0, 0, 0);

# Takes the complete requests off $buffer and answers or starts each.
sub serve_requests {
    while (1) {
        if ($skip_bytes) {
            my $drop = $skip_bytes < length $buffer ? $skip_bytes : length $buffer;
            substr($buffer, 0, $drop) = '';
            $skip_bytes -= $drop;
            return if $skip_bytes;
        }
        if ($skip_line) {
            unless ($buffer =~ s/\A[^\n]*\n//) {
                $buffer = '';
                return;
            }
            $skip_line = 0;
        }
        if ($buffer =~ /\A(\d{1,9})\n/) {
            my ($length, $header) = ($1 + 0, length($1) + 1);
            if ($length > $MAX_REQUEST) {
                reply(++$requests, "error malformed request: $length bytes, more than $MAX_REQUEST");
                substr($buffer, 0, $header) = '';
                $skip_bytes = $length;
                next;
            }
            return if length($buffer) < $header + $length;
            my $payload = substr($buffer, $header, $length);
            substr($buffer, 0, $header + $length) = '';
            my $n = ++$requests;
            my $answer = start_task($n, $payload);
            reply($n, $answer) if defined $answer;
            next;
        }
        # a partial length line waits for more
        return if $buffer =~ /\A\d{0,9}\z/;
        reply(++$requests, "error malformed request: expected its length in digits and a newline");
        $skip_line = 1;
    }
}

while ($requests_open || %exit_file_of || %setup_of) {
    if ($children_ended) {
        $children_ended = 0;
        reap();
    }
    expire_setups();
    last unless $requests_open || %exit_file_of || %setup_of;
    my $wanted = '';
    vec($wanted, fileno(STDIN), 1) = 1 if $requests_open;
    vec($wanted, $_, 1) = 1 for keys %setup_of;
    my $timeout = %exit_file_of ? $REAP_BACKSTOP : %setup_of ? 1 : undef;
    my $ready = select(my $readable = $wanted, undef, undef, $timeout);
    next unless $ready > 0;
    for my $fd (keys %setup_of) {
        pump_setup($setup_of{$fd}) if vec($readable, $fd, 1) && $setup_of{$fd};
    }
    next unless $requests_open && vec($readable, fileno(STDIN), 1);
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
    serve_requests();
}
