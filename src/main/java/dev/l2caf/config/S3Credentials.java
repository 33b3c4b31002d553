package dev.l2caf.config;

import java.util.Map;
import java.util.Optional;

/**
 * Static S3 credentials, taken only from the standard AWS environment variables so that they never
 * sit in a config file; every part prints as hidden.
 */
public record S3Credentials(
    Secret accessKeyId, Secret secretAccessKey, Optional<Secret> sessionToken) {
  public static final String ACCESS_KEY_ID_ENV = "AWS_ACCESS_KEY_ID";
  public static final String SECRET_ACCESS_KEY_ENV = "AWS_SECRET_ACCESS_KEY";
  public static final String SESSION_TOKEN_ENV = "AWS_SESSION_TOKEN";

  /**
   * The credentials in {@code environment}, or empty when neither key variable is set (the AWS
   * default provider chain then applies).
   *
   * @throws ConfigException when only one of the two key variables is set
   */
  public static Optional<S3Credentials> fromEnvironment(Map<String, String> environment) {
    Optional<Secret> accessKeyId = Secret.fromEnvironment(environment, ACCESS_KEY_ID_ENV);
    Optional<Secret> secretAccessKey = Secret.fromEnvironment(environment, SECRET_ACCESS_KEY_ENV);
    if (accessKeyId.isEmpty() && secretAccessKey.isEmpty()) {
      return Optional.empty();
    }
    if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
      String missing = accessKeyId.isEmpty() ? ACCESS_KEY_ID_ENV : SECRET_ACCESS_KEY_ENV;
      throw new ConfigException(missing, "must be set together with the other AWS key variable");
    }
    Optional<Secret> sessionToken = Secret.fromEnvironment(environment, SESSION_TOKEN_ENV);
    return Optional.of(new S3Credentials(accessKeyId.get(), secretAccessKey.get(), sessionToken));
  }
}
