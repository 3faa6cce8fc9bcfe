package io.nightshift.onnx;

import io.nightshift.NightshiftException;
import io.nightshift.config.Enums;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Picks a task's device from Spark's resource scheduling: the addresses Spark assigned the task
 * under the configured resource name (default {@code gpu}). No TaskContext, or no address, means
 * CPU, unless the job asked for CUDA outright.
 */
public final class DeviceResolver {
  private DeviceResolver() {}

  /** The device for the running task (or for driver-side code when there is no task). */
  public static Device resolve(Enums.Device wanted, String resourceName, Enums.MultipleGpus multiple) {
    if (wanted == Enums.Device.CPU) {
      return Device.CPU;
    }
    Integer address = assignedAddress(resourceName, multiple);
    if (address != null) {
      return Device.cuda(address);
    }
    return wanted == Enums.Device.CUDA ? Device.cuda(0) : Device.CPU;
  }

  private static Integer assignedAddress(String resourceName, Enums.MultipleGpus multiple) {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return null;
    }
    ResourceInformation info = task.resourcesJMap().get(resourceName);
    if (info == null || info.addresses().length == 0) {
      return null;
    }
    if (info.addresses().length > 1 && multiple == Enums.MultipleGpus.FAIL) {
      throw new NightshiftException(
          "task %d was assigned %d '%s' addresses %s; one session serves one device, so set "
              + "spark.task.resource.%s.amount to 1 or less, or model.multiple-gpus: first",
          task.taskAttemptId(), info.addresses().length, resourceName,
          String.join(",", info.addresses()), resourceName);
    }
    String address = info.addresses()[0];
    try {
      return Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new NightshiftException(
          "resource '%s' address '%s' is not a GPU ordinal", resourceName, address);
    }
  }
}
