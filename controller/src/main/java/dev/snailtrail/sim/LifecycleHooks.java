package dev.snailtrail.sim;

import dev.snailtrail.sim.LifecycleHookTarget.HookAnswer;
import dev.snailtrail.sim.LifecycleHookTarget.HookInvocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The functions lifecycle hooks invoke, by ARN, and their answers. An answer comes from outside the
 * world (the controller's verdict, read from its store), so the world is no longer a function of
 * its seed and the calls made unless the answers are kept too: each is journaled as an {@link
 * Op.HookAnswered}, and a restored world takes its hooks' answers from the journal instead of
 * asking again. An invocation a restore reaches without a recorded answer (it fell due after the
 * last save) waits until the restore is over, and is asked then, of the functions registered by
 * that time.
 */
final class LifecycleHooks {
  private final World world;
  private final Map<String, LifecycleHookTarget> targets = new HashMap<>();
  private final Map<String, Op.HookAnswered> recorded = new HashMap<>();
  private final List<Runnable> deferred = new ArrayList<>();
  private Consumer<Op> journal = op -> {};
  private boolean replaying;

  LifecycleHooks(World world) {
    this.world = world;
  }

  /** Where live answers are journaled. */
  void journalInto(Consumer<Op> journal) {
    this.journal = journal;
  }

  void register(String functionArn, LifecycleHookTarget target) {
    targets.put(functionArn, target);
  }

  /** A restore begins: these ops' answers stand in for asking. */
  void replay(List<Op> ops) {
    replaying = true;
    for (Op op : ops) {
      if (op instanceof Op.HookAnswered a) {
        recorded.put(a.invocation(), a);
      }
    }
  }

  /** The restore is over: invocations it reached without an answer are asked at the next tick. */
  void replayed() {
    replaying = false;
    recorded.clear();
    List<Runnable> waiting = List.copyOf(deferred);
    deferred.clear();
    for (Runnable r : waiting) {
      world.at(world.now, r);
    }
  }

  /**
   * Asks a function, or takes its recorded answer.
   *
   * @param key names the invocation, the same in the world and in every replay of it
   * @param again asks once more later (when the answer is recorded for a later instant, or not
   *     recorded at all during a restore); it must check that the question still stands
   * @param answered takes the answer
   */
  void ask(
      String functionArn,
      HookInvocation invocation,
      String key,
      SimService scope,
      Runnable again,
      Consumer<HookAnswer> answered) {
    if (replaying) {
      Op.HookAnswered r = recorded.get(key);
      if (r == null) {
        deferred.add(again);
      } else if (r.at().isAfter(world.now)) {
        world.at(r.at(), scope, again);
      } else {
        recorded.remove(key);
        answered.accept(r.answer());
      }
      return;
    }
    HookAnswer answer = invoke(functionArn, invocation);
    journal.accept(new Op.HookAnswered(world.now, key, answer));
    answered.accept(answer);
  }

  private HookAnswer invoke(String functionArn, HookInvocation invocation) {
    LifecycleHookTarget target = targets.get(functionArn);
    if (target == null) {
      return HookAnswer.failed(
          "ResourceNotFoundException: Function not found: "
              + functionArn
              + " (no lifecycle hook target registered under this ARN)");
    }
    try {
      HookAnswer answer = target.invoke(invocation);
      if (answer == null || answer.hookStatus() == null) {
        return HookAnswer.failed("the hook " + functionArn + " answered no hookStatus");
      }
      return answer;
    } catch (RuntimeException e) {
      return HookAnswer.failed("the hook " + functionArn + " failed: " + e);
    }
  }
}
