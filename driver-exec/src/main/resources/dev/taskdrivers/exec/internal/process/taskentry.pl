# Task entry: the last step before an isolated task's program, run as root outside the chroot by nsenter for an exec
# into the task, or by the task's init (tini) where a shell supervisor started the task (the fork server's child
# takes these steps itself).
# Usage: perl -t taskentry.pl PRCTL ROOT WORK_DIR UID GID GROUPS CAPS -- PROGRAM ARGS...
#   PRCTL: the number of prctl(2) on this architecture (0: unknown, and then only a full CAPS is possible)
#   ROOT: the directory that becomes the task's /; WORK_DIR: its working directory, a path inside ROOT
#   UID, GID: who the task runs as; GROUPS: its supplementary groups, comma-separated (empty: GID alone)
#   CAPS: the capability numbers the task keeps, comma-separated (empty: none)
# In this order: enters ROOT and WORK_DIR, drops every capability not in CAPS from the bounding set (so neither the
# task nor what it executes can regain it, a root task's own capabilities being exactly CAPS), takes GROUPS, GID and
# UID, sets no_new_privs (no set-uid program or file capability grants more) and executes PROGRAM, looked up in the
# task's PATH inside ROOT. The environment is the task's and passes through untouched (but for PERL_BADLANG=0, which
# the driver adds, flagged by TASKDRIVERS_PERL_BADLANG_ADDED, so Perl does not warn of a locale the host lacks, and
# which is removed here); -t makes Perl ignore the PERL5OPT and PERL5LIB a task may set. Nothing is loaded after the chroot. A step that fails is reported on
# standard error (the task's log) and ends the task with status 125.
use strict;
no warnings;

my $PR_CAPBSET_READ = 23;
my $PR_CAPBSET_DROP = 24;
my $PR_SET_NO_NEW_PRIVS = 38;
my $SETUP_FAILED = 125;

sub fail {
    print STDERR "task setup failed: $_[0]\n";
    exit $SETUP_FAILED;
}

my ($prctl, $root, $work_dir, $uid, $gid, $groups, $caps, $separator, @argv) = @ARGV;
fail("usage: taskentry.pl PRCTL ROOT WORK_DIR UID GID GROUPS CAPS -- PROGRAM ARGS...")
    unless defined $separator && $separator eq '--' && @argv && "$prctl$uid$gid" =~ /^\d+$/;
my %keep = map { $_ => 1 } grep { /^\d+$/ } split(/,/, $caps);

chroot($root) or fail("cannot enter the chroot $root: $!");
chdir('/') or fail("cannot enter / of the chroot: $!");
chdir($work_dir) or fail("cannot enter the working directory $work_dir: $!");
for my $cap (0 .. 63) {
    if (!$prctl) {
        # without prctl nothing can be dropped: refuse rather than run with more than was asked for
        fail("cannot drop capabilities: the prctl(2) number of this architecture is unknown") unless $keep{$cap};
        last if $cap >= 40;
        next;
    }
    # a capability number past the kernel's last is an error: the set ends there
    last if syscall($prctl, $PR_CAPBSET_READ, $cap, 0, 0, 0) < 0;
    next if $keep{$cap};
    syscall($prctl, $PR_CAPBSET_DROP, $cap, 0, 0, 0) == 0 or fail("cannot drop capability $cap: $!");
}
my @groups = grep { /^\d+$/ } split(/,/, $groups);
@groups = ($gid) unless @groups;
# the first number is the effective gid, the rest go to setgroups()
$) = "$gid @groups";
$( = $gid;
($<, $>) = ($uid, $uid);
my $why = "$!";
fail("cannot run as uid $uid, gid $gid: $why")
    unless $< == $uid && $> == $uid && (split(/ /, $())[0] == $gid && (split(/ /, $)))[0] == $gid;
if ($prctl) {
    syscall($prctl, $PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 or fail("cannot set no_new_privs: $!");
}
# the driver's own PERL_BADLANG=0 kept this interpreter quiet about a locale the host lacks; the task never sees it
delete $ENV{PERL_BADLANG} if delete $ENV{TASKDRIVERS_PERL_BADLANG_ADDED};
exec { $argv[0] } @argv;
fail("cannot execute $argv[0]: $!");
