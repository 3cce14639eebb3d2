package org.attnflow.distributed;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import org.attnflow.api.FlowException;

/**
 * XGBoost4J's native float32 sum all-reduce, with its error. The public
 * {@code Communicator.allReduce(float[], SUM)} drops the native result code, so with a dead peer
 * it returns the worker's own values as if they were the sum (seen with a killed worker: 1.0
 * came back where 3.0 was due, and no exception), and it copies element by element. The JNI
 * method beneath it reduces a direct buffer in place and returns the code, and the library's last
 * error says why; both are package-private in XGBoost4J, whose jar sits on the class path (its
 * packages are open to everyone), so they are called through method handles.
 */
final class NativeAllReduce {
  /** XGBoost's codes for a float32 element and for the sum. */
  private static final int FLOAT32 = 1;
  private static final int SUM = 2;
  private static final MethodHandle ALL_REDUCE;
  private static final MethodHandle LAST_ERROR;

  static {
    try {
      Class<?> jni = Class.forName("ml.dmlc.xgboost4j.java.XGBoostJNI");
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(jni, MethodHandles.lookup());
      ALL_REDUCE = lookup.findStatic(jni, "CommunicatorAllreduce",
          MethodType.methodType(int.class, ByteBuffer.class, int.class, int.class, int.class));
      LAST_ERROR = lookup.findStatic(jni, "XGBGetLastError", MethodType.methodType(String.class));
    } catch (ReflectiveOperationException e) {
      throw new FlowException("this XGBoost4J has no native all-reduce where version " + XGBoostCollective.VERSION
          + " has it: " + e.getMessage(), e);
    }
  }

  private NativeAllReduce() {}

  /** Replaces the first {@code count} floats of the direct buffer {@code values} by their sum over the workers. */
  static void sum(ByteBuffer values, int count) {
    int code;
    try {
      code = (int) ALL_REDUCE.invokeExact(values, count, FLOAT32, SUM);
    } catch (Throwable e) {
      throw new FlowException("the all-reduce failed: " + e.getMessage(), e);
    }
    if (code != 0) {
      throw new FlowException("the all-reduce failed: " + lastError());
    }
  }

  /** Why the last call failed, as XGBoost's list of causes on one line. */
  static String lastError() {
    try {
      return XGBoostCollective.causes((String) LAST_ERROR.invokeExact());
    } catch (Throwable e) {
      return "(XGBoost's error is unreadable: " + e + ")";
    }
  }
}
