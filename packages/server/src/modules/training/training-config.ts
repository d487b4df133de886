/** A training job's configuration with every default filled in, as stored in `training_jobs.config`. */
export interface TrainingConfig {
  data_config: {
    type: 'stream' | 'dataset';
    dataset_id?: string;
    total_samples: number;
    batch_size: number;
    validation_split: number;
    seed: number;
  };
  training_config: {
    epochs: number;
    learning_rate: number;
    optimizer: 'sgd' | 'adam';
    momentum: number;
    loss?: 'cross_entropy' | 'mse';
    local_steps: number;
    sync_mode: 'async' | 'semi_sync' | 'full_sync';
    sync_interval_ms: number;
    target_accuracy?: number;
  };
  resource_config: {
    min_devices: number;
    max_devices?: number;
    prefer_gpu: boolean;
    sdk_types?: string[];
    min_sdk_version?: string;
  };
}

export interface TrainingProgress {
  current_epoch: number;
  total_epochs: number;
  batches_completed: number;
  total_batches: number;
  percent_complete: number;
  current_loss: number | null;
  best_loss: number | null;
  accuracy: number | null;
  best_accuracy: number | null;
}
